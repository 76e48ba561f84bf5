"""The monthly summary for the benchmark generator (``manage.py generate_cases``): the
triggers mark every month the generator writes; once it has written them, they are counted."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.db import models

from . import facts
from .models import MonthlyFact


class SummaryOfGenerated:
    """An extension of ``cases.synthetic`` that draws nothing and counts the summary at the end."""

    name = "statistics summary"

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def draw(
        self,
        case: Any,
        rng: random.Random,
        budget: int,
        moment: Callable[[datetime.date], datetime.datetime],
    ) -> list[tuple[Any, ...]]:
        return []

    def write(self) -> None:
        return None

    def finish(self) -> list[type[models.Model]]:
        self.counts["months summarised"] = facts.refresh()
        return [MonthlyFact]
