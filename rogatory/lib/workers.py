"""The loop of a background worker (uploads, exports, reports): a pass, then a pause when idle."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import close_old_connections


def run_until_stopped(
    work: Callable[[], bool],
    stop: threading.Event,
    *,
    interval: float,
    on_error: Callable[[Exception], None],
) -> None:
    """Call ``work`` until ``stop`` is set, pausing ``interval`` seconds after a pass that found
    nothing to do (``work`` returns whether it did something). A pass that fails is reported to
    ``on_error`` and the loop goes on: a bug in one pass must not stop the worker for good.
    Database connections past their age are closed after each pass."""
    while not stop.is_set():
        try:
            busy = work()
        except Exception as error:
            on_error(error)
            busy = False
        finally:
            close_old_connections()
        if not busy:
            stop.wait(interval)
