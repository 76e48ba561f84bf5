"""Rogatory's cooperation statistics in SDMX: a published structure and SDMX-CSV data (0042).

The data structure definition (DSD) ``ROGATORY:DSD_COOPERATION(1.0)`` has the dimensions
FREQ, REPORTING_STATE, COUNTERPART_STATE, DIRECTION, REQUEST_KIND, ICCS, OUTCOME and
TIME_PERIOD, the measure OBS_VALUE (a count) and the attributes UNIT_MEASURE (always the
request) and CONF_STATUS (``C`` where a small count is withheld). Its codelists are built from
our reference data: states by ISO 3166-1 alpha-3 code, ICCS categories coded as Eurostat codes
them in ``crim_off_cat`` (``ICCS0101``), kinds of request and outcomes from the case choices.

The library is ``sdmx1``: its information model holds the structure and its writer gives the
SDMX-ML 2.1 structure message; the SDMX-CSV data are written here (see ``to_sdmx_csv``) and
checked in the tests with sdmx1 against that structure. The figures come from two GROUP BY
queries whatever the period; the structure from two queries of the reference data.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rogatory.cases.choices import Direction, Status
from rogatory.cases.models import CaseQuerySet, Offence
from rogatory.cases.stats import Period, started_in
from rogatory.reference.choices import CooperationKind
from rogatory.reference.models import IccsCategory, State

from .suppression import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from sdmx.message import StructureMessage
    from sdmx.model import common, v21

AGENCY = "ROGATORY"
VERSION = "1.0"
DSD_ID = "DSD_COOPERATION"
DATAFLOW_ID = "DF_COOPERATION"

# The dimensions in their order; TIME_PERIOD is the time dimension and comes last.
DIMENSIONS = (
    "FREQ",
    "REPORTING_STATE",
    "COUNTERPART_STATE",
    "DIRECTION",
    "REQUEST_KIND",
    "ICCS",
    "OUTCOME",
)

# Codes that are not values of a variable, as SDMX's cross-domain codelists write them.
TOTAL = "_T"
NOT_RECORDED = "_X"

# Counts below this are withheld from what leaves the authority (CONF_STATUS "C").

FREQUENCIES: tuple[tuple[str, Any], ...] = (
    ("A", _("Annual")),
    ("M", _("Monthly")),
    # Any other span: the time period is an SDMX time range, e.g. "2025-03-15/P90D".
    ("_O", _("Other span, given by the time range of the period")),
)

DIRECTIONS: dict[str, tuple[str, Any]] = {
    Direction.INCOMING: ("IN", _("Received (incoming)")),
    Direction.OUTGOING: ("OUT", _("Sent (outgoing)")),
}

# The outcome of a request as its status stands on the day the figures are made.
OUTCOMES: tuple[tuple[str, Any], ...] = (
    ("EXECUTED", _("Executed")),
    ("PARTIAL", _("Partially executed")),
    ("REFUSED", _("Refused")),
    ("WITHDRAWN", _("Withdrawn")),
    ("CLOSED", _("Closed without execution, refusal or withdrawal")),
    ("PENDING", _("Still running")),
)
OUTCOME_OF_STATUS: dict[str, str] = {
    Status.EXECUTED: "EXECUTED",
    Status.PARTIALLY_EXECUTED: "PARTIAL",
    Status.REFUSED: "REFUSED",
    Status.WITHDRAWN: "WITHDRAWN",
    Status.CLOSED: "CLOSED",
}

UNITS: tuple[tuple[str, Any], ...] = (("REQ", _("Request")),)
CONF_STATUSES: tuple[tuple[str, Any], ...] = (
    ("F", _("Free")),
    ("C", _("Confidential: a small count withheld")),
)

CONCEPTS: dict[str, Any] = {
    "FREQ": _("Frequency"),
    "REPORTING_STATE": _("Reporting state"),
    "COUNTERPART_STATE": _("Other state (requesting or requested)"),
    "DIRECTION": _("Direction of the request"),
    "REQUEST_KIND": _("Kind of request"),
    "ICCS": _("Offence (ICCS category)"),
    "OUTCOME": _("Outcome of the request"),
    "TIME_PERIOD": _("Period"),
    "OBS_VALUE": _("Number of requests"),
    "UNIT_MEASURE": _("Unit of measure"),
    "CONF_STATUS": _("Confidentiality status"),
}

COUNTING_RULE = _(
    "Unit: the request. A request is counted in the period when it was received in it "
    "(incoming) or sent in it (outgoing); drafts never sent are not counted. OUTCOME is the "
    "request's status on the day the figures were made. ICCS _T counts each request once; "
    "under an ICCS category a request is counted once for each category its offences are "
    "coded in (so the categories can add up to more than _T); ICCS _X counts the requests with "
    "no offence coded in ICCS."
)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _names(text: Any) -> dict[str, str]:
    """A translatable text in every language of the site, as an SDMX international string."""
    names = {}
    for language in _languages():
        with translation.override(language):
            names[language] = str(text)
    return names


def _field_names(obj: Any, field: str) -> dict[str, str]:
    """A translated model field (django-modeltranslation columns) in every language it has."""
    names = {}
    for language in _languages():
        value = getattr(obj, f"{field}_{language.replace('-', '_')}", None)
        if value:
            names[language] = str(value)
    return names or {"en": str(getattr(obj, field))}


def _maintainable(cls: Any, id: str, name: Any, agency: common.Agency, **kwargs: Any) -> Any:
    return cls(
        id=id,
        name=_names(name),
        maintainer=agency,
        version=VERSION,
        is_final=True,
        is_external_reference=False,
        **kwargs,
    )


def _codelist(
    id: str, name: Any, agency: common.Agency, codes: Iterable[tuple[str, dict[str, str]]]
) -> common.Codelist:
    from sdmx.model import common

    codelist = _maintainable(common.Codelist, id, name, agency)
    for code, names in codes:
        codelist.append(common.Code(id=code, name=names))
    return codelist


def _coded(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, dict[str, str]]]:
    return [(code, _names(label)) for code, label in choices]


def iccs_code(code: str) -> str:
    """Our ICCS category code as Eurostat writes it in crim_off_cat: ``0101`` → ``ICCS0101``."""
    return f"ICCS{code}"


def area_code(state: State) -> str:
    return state.iso3


@dataclass
class Structure:
    """The published structure: codelists, concepts, the DSD and its dataflow."""

    message: StructureMessage
    dsd: v21.DataStructureDefinition
    dataflow: v21.DataflowDefinition


def structure() -> Structure:
    """Build the DSD and its codelists from the reference data (two queries)."""
    # sdmx1 imports pandas: loaded when a structure is asked for, not when the site starts.
    from sdmx.message import StructureMessage
    from sdmx.model import common, v21

    agency = common.Agency(id=AGENCY, name=_names("Rogatory"))
    choices = [
        (
            "CL_FREQ",
            _("Frequency"),
            [(code, _names(label)) for code, label in FREQUENCIES],
        ),
        (
            "CL_DIRECTION",
            _("Direction of the request"),
            [(code, _names(label)) for code, label in DIRECTIONS.values()],
        ),
        (
            "CL_REQUEST_KIND",
            _("Kind of request"),
            [(value.upper(), _names(label)) for value, label in CooperationKind.choices],
        ),
        ("CL_OUTCOME", _("Outcome of the request"), _coded(OUTCOMES)),
        ("CL_UNIT_MEASURE", _("Unit of measure"), _coded(UNITS)),
        ("CL_CONF_STATUS", _("Confidentiality status"), _coded(CONF_STATUSES)),
    ]
    codelists = {id: _codelist(id, name, agency, codes) for id, name, codes in choices}
    codelists["CL_AREA"] = _codelist(
        "CL_AREA",
        _("States and territories (ISO 3166-1 alpha-3)"),
        agency,
        [(area_code(state), _field_names(state, "name")) for state in State.objects.all()],
    )
    iccs = _codelist(
        "CL_ICCS",
        _("International Classification of Crime for Statistical Purposes (ICCS 1.0)"),
        agency,
        [
            (TOTAL, _names(_("All offences"))),
            (NOT_RECORDED, _names(_("No offence coded in ICCS"))),
        ],
    )
    categories = list(IccsCategory.objects.order_by("code"))
    for category in categories:
        iccs.append(common.Code(id=iccs_code(category.code), name=_field_names(category, "title")))
    for category in categories:
        if category.parent_id:
            iccs[iccs_code(category.code)].parent = iccs[iccs_code(category.parent_id)]
    codelists["CL_ICCS"] = iccs

    concepts = _maintainable(
        common.ConceptScheme, "CS_COOPERATION", _("Concepts of the cooperation statistics"), agency
    )
    for id, name in CONCEPTS.items():
        concepts.append(common.Concept(id=id, name=_names(name)))

    dsd = _maintainable(
        v21.DataStructureDefinition,
        DSD_ID,
        _("Requests for international cooperation in criminal matters"),
        agency,
        description=_names(COUNTING_RULE),
    )
    dsd.dimensions.id = "DimensionDescriptor"
    dsd.attributes.id = "AttributeDescriptor"
    dsd.measures.id = "MeasureDescriptor"
    codelist_of = {
        "FREQ": "CL_FREQ",
        "REPORTING_STATE": "CL_AREA",
        "COUNTERPART_STATE": "CL_AREA",
        "DIRECTION": "CL_DIRECTION",
        "REQUEST_KIND": "CL_REQUEST_KIND",
        "ICCS": "CL_ICCS",
        "OUTCOME": "CL_OUTCOME",
    }
    for order, id in enumerate(DIMENSIONS, start=1):
        dsd.dimensions.append(
            common.Dimension(
                id=id,
                concept_identity=concepts[id],
                local_representation=common.Representation(enumerated=codelists[codelist_of[id]]),
                order=order,
            )
        )
    dsd.dimensions.append(
        common.TimeDimension(
            id="TIME_PERIOD",
            concept_identity=concepts["TIME_PERIOD"],
            local_representation=common.Representation(
                non_enumerated=[
                    common.Facet(value_type=common.FacetValueType.observationalTimePeriod)
                ]
            ),
            order=len(DIMENSIONS) + 1,
        )
    )
    dsd.measures.append(v21.PrimaryMeasure(id="OBS_VALUE", concept_identity=concepts["OBS_VALUE"]))
    for id, codelist, status in (
        ("UNIT_MEASURE", "CL_UNIT_MEASURE", common.UsageStatus.mandatory),
        ("CONF_STATUS", "CL_CONF_STATUS", common.UsageStatus.conditional),
    ):
        dsd.attributes.append(
            common.DataAttribute(
                id=id,
                concept_identity=concepts[id],
                local_representation=common.Representation(enumerated=codelists[codelist]),
                related_to=v21.PrimaryMeasureRelationship(),
                usage_status=status,
            )
        )
    dataflow = _maintainable(
        v21.DataflowDefinition,
        DATAFLOW_ID,
        _("Requests for international cooperation in criminal matters"),
        agency,
        structure=dsd,
    )
    message = StructureMessage()
    for built in codelists.values():
        message.add(built)
    message.add(concepts)
    message.add(dsd)
    message.add(dataflow)
    return Structure(message, dsd, dataflow)


def structure_xml() -> bytes:
    """The structure as an SDMX-ML 2.1 structure message."""
    import sdmx

    return bytes(sdmx.to_xml(structure().message, pretty_print=True))


# --- Data ------------------------------------------------------------------------------------


def time_period(period: Period) -> tuple[str, str]:
    """FREQ and TIME_PERIOD of a period: a calendar year, a calendar month, or a time range."""
    start, end = period.start, period.end
    next_day = end + datetime.timedelta(days=1)
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return "A", str(start.year)
    if start.day == 1 and next_day.day == 1 and (start.year, start.month) == (end.year, end.month):
        return "M", f"{start.year:04d}-{start.month:02d}"
    return "_O", f"{start.isoformat()}/P{(end - start).days + 1}D"


@dataclass(frozen=True)
class Observation:
    """One cell of the cube: the dimension codes (TIME_PERIOD last) and the count."""

    key: tuple[str, ...]
    value: int | None
    confidential: bool = False


def observations(cases: CaseQuerySet, period: Period, reporting_state: str) -> list[Observation]:
    """Requests started in ``period`` per state, direction, kind, ICCS and outcome (2 queries)."""
    freq, time = time_period(period)
    started = started_in(cases, period)
    coded = Exists(Offence.objects.filter(case=OuterRef("pk"), iccs__isnull=False))
    counts: dict[tuple[str, ...], int] = defaultdict(int)

    def key(state: str, direction: str, kind: str, iccs: str, status: str) -> tuple[str, ...]:
        outcome = OUTCOME_OF_STATUS.get(status, "PENDING")
        code = DIRECTIONS[direction][0]
        return (freq, reporting_state, state, code, kind.upper(), iccs, outcome, time)

    for row in (
        started.annotate(coded=coded)
        .values("counterpart_state__iso3", "direction", "kind", "status", "coded")
        .annotate(n=Count("id"))
        .order_by()
    ):
        state, direction = row["counterpart_state__iso3"], row["direction"]
        counts[key(state, direction, row["kind"], TOTAL, row["status"])] += row["n"]
        if not row["coded"]:
            counts[key(state, direction, row["kind"], NOT_RECORDED, row["status"])] += row["n"]
    for offence_row in (
        Offence.objects.filter(case__in=started.values("pk"), iccs__isnull=False)
        .values(
            "case__counterpart_state__iso3",
            "case__direction",
            "case__kind",
            "case__status",
            "iccs_id",
        )
        .annotate(n=Count("case", distinct=True))
        .order_by()
    ):
        k = key(
            offence_row["case__counterpart_state__iso3"],
            offence_row["case__direction"],
            offence_row["case__kind"],
            iccs_code(offence_row["iccs_id"]),
            offence_row["case__status"],
        )
        counts[k] += offence_row["n"]
    return [Observation(k, n) for k, n in sorted(counts.items())]


def withhold_small_counts(
    rows: list[Observation], threshold: int = DEFAULT_THRESHOLD
) -> list[Observation]:
    """Counts from 1 to ``threshold - 1`` withheld, and the ICCS total beside any withheld one.

    Secondary suppression within the cube: the ICCS categories of a request (and _X) add up to
    the total _T when each request names one offence, so a single withheld category could be
    worked out from _T; _T is withheld too wherever a category of the same cell is.
    """
    ICCS = DIMENSIONS.index("ICCS")

    def small(value: int | None) -> bool:
        return value is not None and 0 < value < threshold

    withheld_groups = {
        row.key[:ICCS] + row.key[ICCS + 1 :]
        for row in rows
        if small(row.value) and row.key[ICCS] != TOTAL
    }
    result = []
    for row in rows:
        group = row.key[:ICCS] + row.key[ICCS + 1 :]
        if small(row.value) or (row.key[ICCS] == TOTAL and group in withheld_groups):
            result.append(Observation(row.key, None, confidential=True))
        else:
            result.append(row)
    return result


# SDMX-CSV 2.0 (SDMX 3.0 section 6): the artefact the rows belong to, then the components.
CSV_HEADER = (
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    *DIMENSIONS,
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "CONF_STATUS",
)
STRUCTURE_ID = f"{AGENCY}:{DATAFLOW_ID}({VERSION})"


def to_sdmx_csv(rows: Iterable[Observation]) -> str:
    """The observations as SDMX-CSV 2.0 for the dataflow ``ROGATORY:DF_COOPERATION(1.0)``.

    Written here rather than through sdmx1's writer, which builds an object per observation
    and a pandas frame: 16 s for 36,000 observations against 0.1 s. The tests check that both
    give the same file, and read it back with sdmx1 against the published structure.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                "dataflow",
                STRUCTURE_ID,
                "I",
                *row.key,
                "" if row.value is None else row.value,
                "REQ",
                "C" if row.confidential else "",
            ]
        )
    return out.getvalue()
