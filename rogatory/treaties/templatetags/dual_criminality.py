"""``{% dual_panel case %}``: the conduct-based dual-criminality panel of a case (decision 0034),
one answer per offence coded in ICCS, against the requested state's legislation (ours, for an
incoming request). Used by small includes of the request writer and the case page."""

from __future__ import annotations

from typing import Any

from django import template

from rogatory.treaties.dual import case_dual_answers

register = template.Library()


@register.inclusion_tag("treaties/_dual_panel.html")
def dual_panel(case: Any) -> dict[str, Any]:
    return {"dual_answers": case_dual_answers(case) if case is not None else []}
