"""Read-side queries of cases: the list filters, shared by the web list, the exports and the API.

``CaseFilters.from_params`` reads filters from a query string (unknown or malformed values are
ignored, never an error: a filter a user mistyped shows everything rather than failing);
``apply`` narrows a queryset already restricted by ``Case.objects.for_user``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.utils.functional import cached_property

from rogatory.lib.textfold import terms
from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import IccsCategory

from .choices import Direction, Status
from .models import Case, CaseQuerySet, Offence

if TYPE_CHECKING:
    from rogatory.accounts.models import User

# How the request writer narrows ``?awaiting=approval`` to the drafts a supervisor may approve
# (addressee and delegations, decision 0026): an app hook set by drafting's AppConfig.ready,
# so that this lower app imports nothing above it.
APPROVAL_FILTERS: list[Callable[[CaseQuerySet, User], CaseQuerySet]] = []

# Page sizes offered by the list and the API.
PAGE_SIZES = (25, 50, 100)
# The list counts matching requests up to this many; beyond, it says "more than".
COUNT_CAP = 5_000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``COUNT_CAP`` rows.

    An exact count visits every matching request, which for a large authority costs more than
    the page itself; nobody pages through ten thousand rows, they narrow the filters.
    """

    cap = COUNT_CAP

    def __init__(self, object_list: Any, per_page: int, *, one_pass: bool = False) -> None:
        """``one_pass``: read the ordered ids of the first ``cap + 1`` matches once, and take
        both the count and the page from them. For a text search, where every pass over the
        matches rechecks them in the table, this halves the work (count + page = two passes);
        for index-only filters the count from the index is cheaper, hence the choice."""
        super().__init__(object_list, per_page)
        self.one_pass = one_pass

    @cached_property
    def _ids(self) -> list[int]:
        cases: CaseQuerySet = self.object_list  # type: ignore[assignment]
        return list(cases.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        if self.one_pass:
            return len(self._ids)
        # Without the ordering: any cap+1 matching rows will do, and unordered they can come
        # straight from an index.
        cases: CaseQuerySet = self.object_list  # type: ignore[assignment]
        return int(cases.order_by()[: self.cap + 1].count())

    def page(self, number: Any) -> Page:
        if not self.one_pass:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._ids[bottom : bottom + self.per_page]
        cases: CaseQuerySet = self.object_list  # type: ignore[assignment]
        found = cases.in_bulk(ids)
        return self._get_page(  # type: ignore[attr-defined]  # missing from the stubs
            [found[pk] for pk in ids if pk in found], number, self
        )

    @property
    def capped(self) -> bool:
        return self.count > self.cap


AWAITING = ("approval", "returned")


@dataclass(frozen=True)
class CaseFilters:
    direction: str = ""
    kind: str = ""
    status: str = ""
    # The counterpart state (ISO 3166 alpha-2).
    state: str = ""
    # An ICCS section ("07") or code ("0703"): matches it and everything under it.
    iccs: str = ""
    # The responsible officer's username, or "none" for unassigned requests.
    officer: str = ""
    overdue: bool = False
    # Drafts waiting for a supervisor ("approval") or back with its remarks ("returned").
    awaiting: str = ""
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> CaseFilters:
        def pick(name: str, allowed: object) -> str:
            value = str(params.get(name, "")).strip()
            return value if value in allowed else ""  # type: ignore[operator]

        state = str(params.get("state", "")).strip().upper()
        iccs = str(params.get("iccs", "")).strip()
        return cls(
            direction=pick("direction", Direction.values),
            kind=pick("kind", CooperationKind.values),
            status=pick("status", [*Status.values, "open"]),
            state=state if len(state) == 2 and state.isalpha() else "",
            iccs=iccs if iccs.isdigit() and len(iccs) <= 8 else "",
            officer=str(params.get("officer", "")).strip()[:150],
            overdue=str(params.get("overdue", "")).lower() in {"1", "true", "on", "yes"},
            awaiting=pick("awaiting", AWAITING),
            q=str(params.get("q", "")).strip()[:200],
        )

    @property
    def active(self) -> bool:
        return any(asdict(self).values())

    def as_params(self) -> dict[str, str]:
        """The filters as query-string parameters (only those set), for links and exports."""
        params = {k: str(v) for k, v in asdict(self).items() if v and not isinstance(v, bool)}
        if self.overdue:
            params["overdue"] = "1"
        return params

    def apply(
        self, cases: CaseQuerySet, *, today: datetime.date, user: User | None = None
    ) -> CaseQuerySet:
        if self.direction:
            cases = cases.filter(direction=self.direction)
        if self.kind:
            cases = cases.filter(kind=self.kind)
        if self.status == "open":
            cases = cases.open()
        elif self.status:
            cases = cases.filter(status=self.status)
        if self.state:
            cases = cases.filter(counterpart_state_id=self.state)
        if self.iccs:
            # The codes under the section or code, from the small ICCS table: an IN list the
            # offence index answers, where a LIKE prefix could not use it under every collation.
            codes = IccsCategory.objects.filter(code__startswith=self.iccs).values_list(
                "code", flat=True
            )
            cases = cases.filter(
                Exists(Offence.objects.filter(case=OuterRef("pk"), iccs_id__in=list(codes)))
            )
        if self.officer == "none":
            cases = cases.filter(officer__isnull=True)
        elif self.officer:
            cases = cases.filter(officer__username=self.officer)
        if self.overdue:
            cases = cases.overdue(today)
        if self.awaiting:
            # The request writer's versions (drafting.RequestVersion, related name
            # "request_versions"), named by lookup so that this app imports nothing above it.
            def having(*statuses: str) -> Any:
                return Case.objects.filter(request_versions__status__in=statuses).values("pk")

            cases = cases.filter(status=Status.DRAFT)
            if self.awaiting == "approval":
                cases = cases.filter(pk__in=having("finalised"))
                # Whose approval a version waits for is the request writer's rule (0026).
                for narrow in APPROVAL_FILTERS:
                    if user is not None:
                        cases = narrow(cases, user)
            else:
                cases = cases.filter(pk__in=having("returned")).exclude(
                    pk__in=having("finalised", "approved")
                )
        for term in terms(self.q):
            cases = cases.filter(search_text__contains=term)
        return cases


def list_queryset(cases: CaseQuerySet) -> CaseQuerySet:
    """What a list row shows, fetched in the same queries whatever the page size.

    The state and the officer come by prefetch rather than by join: the page's 25 rows are
    then chosen from the cases table alone, and only they are looked up.
    """
    # The long texts stay in the database: a row shows the subject only.
    return cases.prefetch_related("counterpart_state", "officer").defer(
        "search_text", "summary_of_facts", "purpose", "procedure"
    )


def find_case(cases: CaseQuerySet, public_id: str) -> Case | None:
    try:
        return cases.filter(public_id=public_id).first()
    except (ValueError, TypeError):
        return None
