"""Synthetic casework for benchmarks: many authorities, cases and events, quickly.

``generate`` fills the database with requests that look like real casework: authorities named
``bench-NN`` in real states, each with officers and a supervisor; requests spread over five
years, incoming and outgoing, of weighted kinds; counterpart states drawn from 150 states;
offences with ICCS codes that exist; one to four measures; and a history whose statuses follow
the lifecycle (``lifecycle.TRANSITIONS``) with dates that agree with it.

It deliberately bypasses the actions (``actions.py``): rows are written in batches, by
``COPY`` on PostgreSQL and ``executemany`` elsewhere, and **no audit entry is written**.
Synthetic data is benchmark data, outside the audit chain; it must never be generated in a
database that holds real casework, which ``check_can_generate`` refuses (unless forced).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import json
import math
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone, translation

from rogatory.accounts.models import Authority, Role, User
from rogatory.lib.textfold import fold
from rogatory.reference.models import IccsCategory, State

from .choices import (
    FINAL_STATUSES,
    Channel,
    Confidentiality,
    CooperationKind,
    Direction,
    EventKind,
    FollowUpDirection,
    MeasureStatus,
    MeasureType,
    PersonRole,
    RefusalGround,
    Status,
    Urgency,
)
from .lifecycle import BY_NAME, INITIAL_STATUS
from .models import Case, CaseEvent, Measure, Offence, Person

# Every synthetic authority's code starts with this; nothing else is touched.
BENCH_PREFIX = "bench-"
# How many counterpart states requests are exchanged with.
COUNTERPART_STATES = 150


class GenerationRefused(Exception):
    """The database is not one synthetic data may be written to (``message`` says why)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DrawnCase:
    """What an extension of the generator needs to know of a request just drawn."""

    id: int
    authority_id: int
    # The authority's state, and the other state.
    state: str
    counterpart: str
    incoming: bool
    kind: str
    status: str
    start: datetime.date
    # When the request was registered (its first history line): nothing drawn comes before.
    registered_at: datetime.datetime
    today: datetime.date
    measures: tuple[str, ...]
    # The first person named (holder of assets, suspect...).
    person: str
    # (id, username) of whoever the history names.
    actor: tuple[int, str]


class Extension(Protocol):
    """Rows a higher app draws for each request (assets: ``assets/synthetic.py``)."""

    name: str
    counts: dict[str, int]

    def draw(
        self,
        case: DrawnCase,
        rng: random.Random,
        budget: int,
        moment: Callable[[datetime.date], datetime.datetime],
    ) -> list[tuple[Any, ...]]:
        """Draw this request's rows; return its case-history lines (``EVENT_COLUMNS``, at most
        ``budget``)."""
        ...

    def write(self) -> None:
        """Write the rows drawn since the last call (inside the batch's transaction)."""
        ...

    def finish(self) -> list[type[models.Model]]:
        """Reset sequences; return the models to analyse."""
        ...


# Factories of extensions, filled by higher apps in AppConfig.ready() (imports run downward:
# the case generator never imports assets).
EXTENSIONS: list[Callable[[], Extension]] = []


@dataclass(frozen=True)
class Spec:
    cases: int = 1_000_000
    events: int = 10_000_000
    authorities: int = 50
    seed: int = 1
    # Cases written per transaction (with their events, offences, persons and measures).
    batch: int = 10_000
    years: int = 5
    # The generation's "today": nothing happens after it. Defaults to the real today.
    today: datetime.date | None = None


@dataclass
class Report:
    authorities: int = 0
    users: int = 0
    cases: int = 0
    events: int = 0
    offences: int = 0
    persons: int = 0
    measures: int = 0
    seconds: float = 0.0
    method: str = ""
    # Time spent drawing rows in Python, and writing them (including the commits).
    seconds_drawing: float = 0.0
    seconds_writing: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)
    # Rows the extensions wrote, per kind (assets, asset events...).
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        base = self.cases + self.events + self.offences + self.persons + self.measures
        return base + sum(self.extra.values())

    def summary(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        return (
            f"{self.cases} cases, {self.events} events, {self.offences} offences, "
            f"{self.persons} persons, {self.measures} measures"
            + "".join(f", {n} {name.replace('_', ' ')}" for name, n in self.extra.items())
            + f" for {self.authorities} "
            f"authorities ({self.users} users) in {self.seconds:.1f} s by {self.method}: "
            f"{rate:,.0f} rows/s, {self.cases / self.seconds if self.seconds else 0:,.0f} cases/s "
            f"(drawing {self.seconds_drawing:.1f} s, writing {self.seconds_writing:.1f} s)"
        )


# --- the checks -------------------------------------------------------------------------------


def bench_authorities() -> models.QuerySet[Authority]:
    return Authority.objects.filter(code__startswith=BENCH_PREFIX)


def check_can_generate(*, force: bool = False, replace: bool = False) -> None:
    """Raise GenerationRefused unless synthetic data may be written to this database.

    Refused when reference data is missing, when a real (non-bench) authority has cases
    (unless ``force``), and when bench authorities already have cases (unless ``replace``).
    """
    if not State.objects.exists() or not IccsCategory.objects.exists():
        raise GenerationRefused("Reference data is missing: run `manage.py load_reference` first.")
    real = Case.objects.exclude(authority__code__startswith=BENCH_PREFIX)
    if not force and real.exists():
        raise GenerationRefused(
            "This database holds real casework (cases of authorities other than bench-*). "
            "Synthetic data is for benchmark databases only; pass --force to add it anyway."
        )
    if not replace and Case.objects.filter(authority__code__startswith=BENCH_PREFIX).exists():
        raise GenerationRefused(
            "Bench authorities already have cases; pass --replace to delete them first "
            "(a fresh database is faster for large sizes)."
        )


def delete_bench_cases(chunk: int = 5_000) -> int:
    """Delete every case of the bench authorities (and what hangs from them); return how many."""
    deleted = 0
    ids = Case.objects.filter(authority__code__startswith=BENCH_PREFIX).values_list("pk", flat=True)
    while True:
        batch = list(ids[:chunk])
        if not batch:
            return deleted
        with transaction.atomic():
            Case.objects.filter(pk__in=batch).delete()
        deleted += len(batch)


# --- the vocabularies -------------------------------------------------------------------------

GIVEN_NAMES = (
    "Ana", "Ahmed", "Aïcha", "Alejandro", "Amina", "Anders", "Andrés", "Björn", "Camille",
    "Carlos", "Chen", "Chiara", "Daniel", "Dmitri", "Elena", "Émile", "Fatima", "François",
    "Grace", "Hana", "Hiroshi", "Ibrahim", "Ingrid", "Ivan", "Jean", "João", "José", "Juan",
    "Karim", "Katarzyna", "Kwame", "Layla", "Li", "Lucía", "Mariam", "Mário", "Mei", "Mohamed",
    "Natalia", "Nikolai", "Nour", "Olga", "Omar", "Paolo", "Peter", "Priya", "Rania", "Raúl",
    "Sara", "Sergei", "Siobhán", "Sofía", "Søren", "Tariq", "Thandiwe", "Tomás", "Wanjiru",
    "Wei", "Yusuf", "Zoë",
)  # fmt: skip
SURNAMES = (
    "Abdullah", "Adeyemi", "Ahmed", "Alves", "Andersen", "Baptiste", "Becker", "Bernard",
    "Bianchi", "Bogdanov", "Castillo", "Chen", "Chowdhury", "Costa", "Da Silva", "Dubois",
    "Dupont", "Eriksson", "Fernández", "Ferreira", "Fischer", "García", "Gómez", "González",
    "Haddad", "Hansen", "Hernández", "Hoffmann", "Huang", "Ibrahim", "Ivanov", "Jansen",
    "Jiménez", "Kamau", "Kaya", "Khan", "Kim", "Kowalski", "Kuznetsov", "Lambert", "Larsen",
    "Lefèvre", "Li", "Liu", "López", "Martín", "Martínez", "Mensah", "Meyer", "Moreau",
    "Morozov", "Müller", "Mwangi", "Nguyễn", "Nielsen", "Novák", "Nowak", "Núñez", "Odhiambo",
    "Okafor", "Okonkwo", "Olsen", "Otieno", "Öztürk", "Pereira", "Petrov", "Pham", "Popescu",
    "Quispe", "Ramírez", "Rodríguez", "Romano", "Rossi", "Rousseau", "Sánchez", "Santos",
    "Schmidt", "Schneider", "Shevchenko", "Silva", "Smirnov", "Sokolov", "Suárez", "Svensson",
    "Szabó", "Tanaka", "Torres", "Tran", "Van Dijk", "Vasquez", "Volkov", "Wagner", "Wang",
    "Weber", "Wiśniewski", "Wójcik", "Yamamoto", "Yılmaz", "Zhang", "Zhou", "Ødegaard",
    "Żukowski", "Čapek", "Đorđević", "Şahin",
)  # fmt: skip
COMPANY_SUFFIXES = ("Holdings Ltd", "Trading SA", "Invest GmbH", "Logistics LLC", "Import SARL")
PROSECUTORS = (
    "Office of the Prosecutor General",
    "Ministry of Justice, Central Authority",
    "National Prosecution Service",
    "Financial Crimes Prosecution Office",
    "Investigating judge, district court",
)

SUBJECTS: dict[str, tuple[str, ...]] = {
    CooperationKind.MLA: (
        "Investigation into {offence} by {name}",
        "Criminal proceedings against {name} for {offence}",
        "Evidence sought in the {offence} case against {name}",
        "{offence}: accounts and witnesses connected with {name}",
    ),
    CooperationKind.EXTRADITION: (
        "Extradition of {name} for {offence}",
        "Provisional arrest and surrender of {name} ({offence})",
    ),
    CooperationKind.ASSET_RECOVERY: (
        "Recovery of the proceeds of {offence} held by {name}",
        "Freezing and confiscation of assets of {name} ({offence})",
    ),
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: ("Transfer of the sentenced person {name}",),
    CooperationKind.TRANSFER_OF_PROCEEDINGS: (
        "Transfer of the proceedings against {name} for {offence}",
    ),
    CooperationKind.OTHER: ("Cooperation concerning {name} ({offence})",),
}
PURPOSES: dict[str, str] = {
    CooperationKind.MLA: "To obtain evidence for use in the criminal proceedings.",
    CooperationKind.EXTRADITION: "To secure the surrender of the person for prosecution.",
    CooperationKind.ASSET_RECOVERY: "To identify, freeze and confiscate the proceeds of crime.",
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: "To transfer the person to serve the sentence.",
    CooperationKind.TRANSFER_OF_PROCEEDINGS: "To transfer the prosecution to the other state.",
    CooperationKind.OTHER: "To obtain the assistance described.",
}
KINDS: dict[str, float] = {
    CooperationKind.MLA: 70,
    CooperationKind.EXTRADITION: 15,
    CooperationKind.ASSET_RECOVERY: 8,
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: 3,
    CooperationKind.TRANSFER_OF_PROCEEDINGS: 2,
    CooperationKind.OTHER: 2,
}
MEASURES: dict[str, dict[str, float]] = {
    CooperationKind.MLA: {
        MeasureType.BANK_RECORDS: 25,
        MeasureType.TAKING_EVIDENCE: 20,
        MeasureType.SEARCH_AND_SEIZURE: 10,
        MeasureType.SERVICE_OF_DOCUMENTS: 10,
        MeasureType.RECORDS: 10,
        MeasureType.VIDEOCONFERENCE: 6,
        MeasureType.INFORMATION_AND_EXPERTISE: 6,
        MeasureType.TRACING_PROCEEDS: 5,
        MeasureType.FREEZING: 4,
        MeasureType.EXAMINATION: 2,
        MeasureType.VOLUNTARY_APPEARANCE: 1,
        MeasureType.TEMPORARY_TRANSFER: 1,
    },
    CooperationKind.EXTRADITION: {
        MeasureType.SURRENDER: 60,
        MeasureType.PROVISIONAL_ARREST: 30,
        MeasureType.TRANSIT: 5,
        MeasureType.SEARCH_AND_SEIZURE: 5,
    },
    CooperationKind.ASSET_RECOVERY: {
        MeasureType.FREEZING: 30,
        MeasureType.TRACING_PROCEEDS: 25,
        MeasureType.BANK_RECORDS: 20,
        MeasureType.CONFISCATION: 15,
        MeasureType.RETURN_OF_ASSETS: 10,
    },
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: {MeasureType.TRANSFER_OF_SENTENCED_PERSON: 1},
    CooperationKind.TRANSFER_OF_PROCEEDINGS: {MeasureType.TRANSFER_OF_PROCEEDINGS: 1},
    CooperationKind.OTHER: {MeasureType.OTHER: 3, MeasureType.RECORDS: 1},
}
ROLES: dict[str, dict[str, float]] = {
    CooperationKind.MLA: {
        PersonRole.SUSPECT: 50,
        PersonRole.WITNESS: 25,
        PersonRole.ASSET_HOLDER: 15,
        PersonRole.VICTIM: 10,
    },
    CooperationKind.EXTRADITION: {PersonRole.ACCUSED: 70, PersonRole.SENTENCED_PERSON: 30},
    CooperationKind.ASSET_RECOVERY: {PersonRole.ASSET_HOLDER: 60, PersonRole.SUSPECT: 40},
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: {PersonRole.SENTENCED_PERSON: 1},
    CooperationKind.TRANSFER_OF_PROCEEDINGS: {PersonRole.ACCUSED: 1},
    CooperationKind.OTHER: {PersonRole.OTHER: 1},
}
# Offences by ICCS section: international cooperation is mostly about fraud, corruption,
# laundering and drugs.
ICCS_SECTIONS: dict[str, float] = {
    "07": 38,
    "06": 20,
    "01": 7,
    "02": 5,
    "03": 5,
    "04": 6,
    "05": 8,
    "08": 5,
    "09": 4,
    "10": 1,
    "11": 1,
}
GROUNDS: dict[str, float] = {
    RefusalGround.NO_DUAL_CRIMINALITY: 25,
    RefusalGround.NON_CONFORMITY: 20,
    RefusalGround.ESSENTIAL_INTERESTS: 8,
    RefusalGround.DOMESTIC_LAW_PROHIBITS: 10,
    RefusalGround.CONTRARY_TO_LEGAL_SYSTEM: 5,
    RefusalGround.NATIONALITY: 8,
    RefusalGround.POLITICAL_OFFENCE: 3,
    RefusalGround.NE_BIS_IN_IDEM: 6,
    RefusalGround.DEATH_PENALTY: 3,
    RefusalGround.LAPSE_OF_TIME: 7,
    RefusalGround.DISCRIMINATION: 1,
    RefusalGround.OTHER: 4,
}
REASONS: dict[str, str] = {
    "request_info": "The description of the facts does not show the link with the accounts.",
    "consult": "Execution would interfere with a domestic investigation; consulting.",
    "postpone": "Execution postponed until the domestic proceedings are concluded.",
    "record_postponement": "The requested state postponed execution (domestic proceedings).",
    "refuse": "Refused after consultation; the reasons were communicated.",
    "record_refusal": "The requested state refused the request and gave its reasons.",
    "withdraw": "Withdrawn by the requesting state: the proceedings were discontinued.",
}
SUMMARY = (
    "{name} is suspected of {offence} between {year} and the present day; "
    "funds and evidence are located in the requested state."
)
NOTES = (
    "Telephone call with the counterpart authority.",
    "Reminder sent to the executing authority.",
    "Translation received and checked.",
    "Meeting with the investigating magistrate.",
    "Liaison magistrate informed.",
)
UPDATED_FIELDS = (
    '["their_reference"]',
    '["subject"]',
    '["summary_of_facts"]',
    '["executing_authority"]',
    '["deadline"]',
)

# The lifecycle as a Markov chain: for each direction and status, the moves taken and their
# weights, with the median and spread (log-normal) of the days until the move. The targets
# come from lifecycle.BY_NAME, so the chain cannot leave the state machine (tested).
Move = tuple[str, float, float, float]  # transition name, weight, median days, sigma
_COMMON: dict[str, tuple[Move, ...]] = {
    Status.UNDER_REVIEW: (
        ("execute_start", 72, 14, 0.8),
        ("request_info", 15, 10, 0.7),
        ("consult", 8, 20, 0.7),
        ("withdraw", 3, 60, 1.0),
    ),
    Status.INFO_REQUESTED: (("info_provided", 85, 45, 0.9), ("withdraw", 15, 120, 0.8)),
    Status.INFO_PROVIDED: (
        ("review", 50, 5, 0.7),
        ("execute_start", 45, 10, 0.7),
        ("consult", 5, 15, 0.7),
    ),
    Status.PARTIALLY_EXECUTED: (
        ("execute", 55, 60, 0.9),
        ("resume", 25, 30, 0.8),
        ("close", 20, 60, 0.9),
    ),
    Status.EXECUTED: (("close", 65, 30, 1.0),),
    Status.REFUSED: (("close", 65, 30, 1.0),),
    Status.WITHDRAWN: (("close", 65, 20, 1.0),),
}
CHAIN: dict[str, dict[str, tuple[Move, ...]]] = {
    Direction.INCOMING: _COMMON
    | {
        Status.RECEIVED: (("acknowledge", 97, 4, 0.8), ("withdraw", 3, 20, 0.8)),
        Status.ACKNOWLEDGED: (("review", 97, 7, 0.8), ("withdraw", 3, 30, 0.8)),
        Status.CONSULTATION: (
            ("refuse", 45, 30, 0.8),
            ("postpone", 20, 20, 0.8),
            ("execute_start", 25, 20, 0.8),
            ("request_info", 10, 15, 0.8),
        ),
        Status.POSTPONED: (("resume", 80, 90, 1.0), ("withdraw", 20, 150, 0.8)),
        Status.IN_EXECUTION: (
            ("execute", 70, 100, 1.0),
            ("execute_partially", 15, 80, 0.9),
            ("consult", 5, 40, 0.8),
            ("request_info", 5, 30, 0.8),
            ("withdraw", 5, 120, 0.9),
        ),
    },
    Direction.OUTGOING: _COMMON
    | {
        Status.DRAFT: (("send", 95, 10, 0.9), ("withdraw", 5, 30, 0.8)),
        Status.SENT: (
            ("record_acknowledgement", 93, 21, 1.0),
            ("record_refusal", 3, 60, 0.8),
            ("withdraw", 4, 90, 0.8),
        ),
        Status.ACKNOWLEDGED: (
            ("review", 85, 14, 0.8),
            ("record_postponement", 5, 40, 0.8),
            ("record_refusal", 5, 60, 0.8),
            ("withdraw", 5, 60, 0.8),
        ),
        Status.CONSULTATION: (
            ("record_refusal", 40, 30, 0.8),
            ("record_postponement", 20, 20, 0.8),
            ("execute_start", 30, 20, 0.8),
            ("request_info", 10, 15, 0.8),
        ),
        Status.POSTPONED: (
            ("resume", 75, 90, 1.0),
            ("record_refusal", 10, 90, 0.8),
            ("withdraw", 15, 150, 0.8),
        ),
        Status.IN_EXECUTION: (
            ("execute", 70, 150, 1.0),
            ("execute_partially", 15, 100, 0.9),
            ("record_refusal", 5, 60, 0.8),
            ("consult", 3, 40, 0.8),
            ("request_info", 4, 30, 0.8),
            ("withdraw", 3, 120, 0.9),
        ),
    },
}
MAX_TRANSITIONS = 20


class _Picker:
    """Weighted choice by bisection on cumulative weights (``random.choices`` is slower)."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, weighted: Iterable[tuple[Any, float]]) -> None:
        pairs = list(weighted)
        self.items = [item for item, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _item, weight in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class _Chain:
    """One status's moves, ready for drawing."""

    picker: _Picker
    moves: dict[str, tuple[str, float, float]]  # name -> (target, mu, sigma)


def _compile_chain() -> dict[str, dict[str, _Chain]]:
    compiled: dict[str, dict[str, _Chain]] = {}
    for direction, table in CHAIN.items():
        compiled[direction] = {}
        for status, moves in table.items():
            compiled[direction][status] = _Chain(
                _Picker((name, weight) for name, weight, _median, _sigma in moves),
                {
                    name: (str(BY_NAME[name].target), math.log(median), sigma)
                    for name, _weight, median, sigma in moves
                },
            )
    return compiled


# --- the writers ------------------------------------------------------------------------------


class Writer:
    """Append rows of one table, by COPY (PostgreSQL) or executemany (elsewhere)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        meta = model._meta
        self.table = meta.db_table
        fields: list[models.Field[Any, Any]] = []
        for name in columns:
            found = meta.get_field(name)
            assert isinstance(found, models.Field), name
            fields.append(found)
        self.columns: list[str] = [str(f.column) for f in fields]
        # Raw inserts skip Python defaults: every column left out must accept NULL (or be
        # computed by the database).
        given = set(self.columns)
        for concrete in meta.concrete_fields:
            if concrete.column not in given and not (
                concrete.null or concrete.primary_key or getattr(concrete, "generated", False)
            ):
                raise RuntimeError(f"{self.table}.{concrete.column} is not written")
        self.copy = connection.vendor == "postgresql"
        self.converters: list[tuple[int, Callable[[Any], Any]]] = []
        if not self.copy:
            for index, f in enumerate(fields):
                if isinstance(f, models.DateTimeField):
                    # The generator's datetimes are in UTC: store them as Django does, naive.
                    naive_utc = connection.timezone_name == "UTC"
                    self.converters.append(
                        (
                            index,
                            _naive_utc if naive_utc else connection.ops.adapt_datetimefield_value,
                        )
                    )
                elif isinstance(f, models.DateField):
                    self.converters.append((index, connection.ops.adapt_datefield_value))
                elif (
                    isinstance(f, models.UUIDField)
                    and not connection.features.has_native_uuid_field
                ):
                    self.converters.append((index, lambda v: v.hex))
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        table = connection.ops.quote_name(self.table)
        if self.copy:
            self.sql = f"COPY {table} ({quoted}) FROM STDIN"
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            # Names come from the model's metadata, quoted; the values are parameters.
            self.sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.copy:
                with cursor.cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            if self.converters:
                converted = []
                for row in rows:
                    values = list(row)
                    for index, convert in self.converters:
                        if values[index] is not None:
                            values[index] = convert(values[index])
                    converted.append(values)
                cursor.executemany(self.sql, converted)
            else:
                cursor.executemany(self.sql, rows)


def _naive_utc(value: datetime.datetime) -> str:
    return value.replace(tzinfo=None).isoformat(" ")


CASE_COLUMNS = (
    "id", "public_id", "authority", "direction", "kind", "status", "our_reference",
    "their_reference", "subject", "summary_of_facts", "purpose", "procedure", "requesting_state",
    "requested_state", "counterpart_state", "requesting_authority_name",
    "requested_authority_name", "conducting_authority", "executing_authority", "officer",
    "urgency", "confidentiality", "legal_basis_article", "legal_basis_note", "drafted_on",
    "sent_on", "received_on", "acknowledged_on", "executed_on", "closed_on",
    "requested_deadline", "deadline", "refusal_ground", "created_at", "updated_at", "search_text",
    "channel", "disposed_on",
)  # fmt: skip
EVENT_COLUMNS = (
    "case", "at", "kind", "actor_id", "actor_name", "from_status", "to_status",
    "refusal_ground", "reason", "details",
)  # fmt: skip
OFFENCE_COLUMNS = ("case", "national_name", "national_provision", "iccs")
PERSON_COLUMNS = (
    "public_id", "case", "role", "is_legal_person", "name", "other_names", "date_of_birth",
    "place_of_birth", "nationality", "identity_document", "location",
)  # fmt: skip
MEASURE_COLUMNS = (
    "public_id", "case", "kind", "description", "details", "status", "deadline", "executed_on",
    "refusal_ground", "status_reason",
)  # fmt: skip


# --- authorities and users --------------------------------------------------------------------


@dataclass
class _Bench:
    """One bench authority as the generator needs it."""

    id: int
    state: str
    officers: list[tuple[int, str]]  # (id, username)
    supervisor: tuple[int, str]
    counterparts: _Picker


def ensure_bench_authorities(
    count: int, rng: random.Random, seed: int
) -> tuple[list[Authority], int]:
    """Create (or find) ``bench-01`` … with 3–8 officers and a supervisor each.

    Users get unusable passwords (the benchmark logs them in with ``Client.force_login``).
    Returns the authorities and the number of users created.
    """
    states = list(
        State.objects.filter(is_independent=True).order_by("iso2").values_list("iso2", "name")
    )
    if count > len(states):
        raise GenerationRefused(f"At most {len(states)} bench authorities (one per state).")
    chosen = rng.sample(states, count)
    authorities = []
    created_users: list[User] = []
    existing = set(
        User.objects.filter(username__startswith=BENCH_PREFIX).values_list("username", flat=True)
    )
    for number, (iso2, name) in enumerate(chosen, start=1):
        code = f"{BENCH_PREFIX}{number:02d}"
        authority, _created = Authority.objects.get_or_create(
            code=code,
            defaults={
                "name": f"Bench central authority {number:02d} ({name})",
                "state_id": iso2,
                "email": f"{code}@bench.invalid",
            },
        )
        authorities.append(authority)
        # Each authority's people come from their own stream: the same whatever exists.
        own = random.Random(f"{seed}-{code}")  # noqa: S311 — test data, not secrets
        people = [(f"{code}-officer-{n}", Role.OFFICER) for n in range(1, own.randint(3, 8) + 1)]
        people.append((f"{code}-supervisor", Role.SUPERVISOR))
        for username, role in people:
            if username in existing:
                continue
            created_users.append(
                User(
                    username=username,
                    first_name=own.choice(GIVEN_NAMES),
                    last_name=own.choice(SURNAMES),
                    email=f"{username}@bench.invalid",
                    role=role,
                    authority=authority,
                    password=make_password(None),
                )
            )
    User.objects.bulk_create(created_users, batch_size=1000)
    return authorities, len(created_users)


def _prepare_benches(
    authorities: list[Authority], rng: random.Random, counterpart_pool: list[str]
) -> list[_Bench]:
    benches = []
    for authority in authorities:
        members = list(
            User.objects.filter(authority=authority, is_active=True)
            .order_by("username")
            .values_list("id", "username", "role")
        )
        officers = [(pk, name) for pk, name, role in members if role != Role.SUPERVISOR]
        supervisors = [(pk, name) for pk, name, role in members if role == Role.SUPERVISOR]
        # Each authority has its own usual partners: a Zipf-like law on a shuffled pool.
        partners = [iso2 for iso2 in counterpart_pool if iso2 != authority.state_id]
        rng.shuffle(partners)
        benches.append(
            _Bench(
                authority.pk,
                authority.state_id,
                officers,
                supervisors[0] if supervisors else officers[0],
                _Picker((iso2, 1 / (rank + 1) ** 0.8) for rank, iso2 in enumerate(partners)),
            )
        )
    return benches


# --- the generator ----------------------------------------------------------------------------


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def generate(spec: Spec, *, progress: Callable[[str], None] | None = None) -> Report:
    """Write ``spec.cases`` cases and exactly ``spec.events`` events; return what was written.

    Call ``check_can_generate`` first. The same seed gives the same data on an empty database.
    """
    if spec.cases < 1 or spec.authorities < 1:
        raise GenerationRefused("Generate at least one case for at least one authority.")
    if spec.events < spec.cases:
        raise GenerationRefused("Every case has at least one event: --events >= --cases.")
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    rng = random.Random(spec.seed)  # noqa: S311 — reproducible test data, not secrets
    report = Report(method="COPY" if connection.vendor == "postgresql" else "executemany")

    with transaction.atomic():
        authorities, report.users = ensure_bench_authorities(spec.authorities, rng, spec.seed)
    report.authorities = len(authorities)
    independent = list(
        State.objects.filter(is_independent=True).order_by("iso2").values_list("iso2", flat=True)
    )
    pool = rng.sample(independent, min(COUNTERPART_STATES, len(independent)))
    benches = _prepare_benches(authorities, rng, pool)
    sizes = _Picker((index, 1 / (index + 1) ** 0.7) for index in range(len(benches)))
    with translation.override("en"):
        iccs = list(
            IccsCategory.objects.filter(level__gte=2).order_by("code").values_list("code", "title")
        )
    by_section: dict[str, list[tuple[str, str]]] = {}
    for code, title in iccs:
        by_section.setdefault(code[:2], []).append((code, title))
    sections = _Picker((s, w) for s, w in ICCS_SECTIONS.items() if s in by_section)
    extensions = [make() for make in EXTENSIONS]
    generator = _Generator(spec, rng, benches, sizes, sections, by_section, extensions)

    writers = {
        "cases": Writer(Case, CASE_COLUMNS),
        "events": Writer(CaseEvent, EVENT_COLUMNS),
        "offences": Writer(Offence, OFFENCE_COLUMNS),
        "persons": Writer(Person, PERSON_COLUMNS),
        "measures": Writer(Measure, MEASURE_COLUMNS),
    }
    first_id = (Case.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
    say(
        f"Generating {spec.cases} cases and {spec.events} events for {len(benches)} "
        f"authorities on {connection.vendor} ({report.method}), seed {spec.seed}."
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    remaining_events = spec.events
    done = 0
    last_report = time.perf_counter()
    while done < spec.cases:
        size = min(spec.batch, spec.cases - done)
        before = time.perf_counter()
        rows = generator.batch(first_id + done, done, size, remaining_events)
        drawn = time.perf_counter()
        report.seconds_drawing += drawn - before
        with transaction.atomic():
            for name, writer in writers.items():
                writer.write(rows[name])
            for extension in extensions:
                extension.write()
        report.seconds_writing += time.perf_counter() - drawn
        remaining_events -= len(rows["events"])
        done += size
        report.events += len(rows["events"])
        report.offences += len(rows["offences"])
        report.persons += len(rows["persons"])
        report.measures += len(rows["measures"])
        now = time.perf_counter()
        if now - last_report > 5 or done == spec.cases:
            last_report = now
            elapsed = now - started
            say(
                f"  {done:>9}/{spec.cases} cases, {report.events:>10} events, "
                f"{elapsed:7.1f} s, {done / elapsed:8,.0f} cases/s"
            )
    report.cases = done
    report.status_counts = dict(generator.status_counts)
    analysed: list[type[models.Model]] = [Case, CaseEvent, Offence, Person, Measure]
    for extension in extensions:
        analysed += extension.finish()
        report.extra.update(extension.counts)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
            cursor.execute(sql)
        say("Analysing tables …")
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO on")
            # VACUUM sets the visibility map, as autovacuum soon does in a running
            # installation: without it, PostgreSQL cannot answer counts and the dashboard from
            # the covering indexes alone (index-only scans), and a benchmark right after a bulk
            # load would measure a state no real database stays in. VACUUM cannot run inside a
            # transaction (tests), where ANALYZE alone is done.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for model in analysed:
                cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")
    report.seconds = time.perf_counter() - started
    say(report.summary())
    return report


class _Generator:
    """Draws the rows of consecutive cases; holds the running counters."""

    def __init__(
        self,
        spec: Spec,
        rng: random.Random,
        benches: list[_Bench],
        sizes: _Picker,
        sections: _Picker,
        by_section: dict[str, list[tuple[str, str]]],
        extensions: Sequence[Extension] = (),
    ) -> None:
        self.spec = spec
        self.extensions = list(extensions)
        self.rng = rng
        self.benches = benches
        self.sizes = sizes
        self.sections = sections
        self.by_section = by_section
        self.chain = _compile_chain()
        self.today = spec.today or timezone.localdate()
        # Nothing is dated in the future: not after now, or after the end of the given today.
        self.ceiling = (
            timezone.now()
            if spec.today is None
            else datetime.datetime.combine(spec.today, datetime.time(23, 59, 59), datetime.UTC)
        )
        self.first_day = self.today - datetime.timedelta(days=365 * spec.years)
        self.span = (self.today - self.first_day).days
        self.kinds = _Picker(KINDS.items())
        self.measures = {kind: _Picker(w.items()) for kind, w in MEASURES.items()}
        self.roles = {kind: _Picker(w.items()) for kind, w in ROLES.items()}
        self.grounds = _Picker(GROUNDS.items())
        self.urgency = _Picker(
            [(Urgency.NORMAL, 80), (Urgency.URGENT, 15), (Urgency.VERY_URGENT, 5)]
        )
        self.confidentiality = _Picker(
            [
                (Confidentiality.STANDARD, 85),
                (Confidentiality.CONFIDENTIAL, 12),
                (Confidentiality.STRICT, 3),
            ]
        )
        # How requests travel (statistics, decision 0038): mostly between central authorities.
        self.channel = _Picker(
            [
                (Channel.CENTRAL_AUTHORITIES, 70),
                (Channel.ELECTRONIC_EXCHANGE, 12),
                (Channel.DIPLOMATIC, 10),
                (Channel.INTERPOL, 5),
                (Channel.OTHER, 3),
            ]
        )
        self.fillers = _Picker(
            [
                (EventKind.NOTE, 30),
                (EventKind.FOLLOW_UP, 20),
                (EventKind.MEASURE, 20),
                (EventKind.DOCUMENT, 15),
                (EventKind.UPDATED, 10),
                (EventKind.ASSIGNED, 5),
            ]
        )
        self.counters: dict[tuple[int, str, int], int] = {}
        self.status_counts: dict[str, int] = {}
        self.folded: dict[str, str] = {}

    def _fold(self, text: str) -> str:
        # Folding is character by character, so pieces are folded once and joined.
        found = self.folded.get(text)
        if found is None:
            found = self.folded[text] = fold(text)
        return found

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _moment(self, day: datetime.date) -> datetime.datetime:
        """A time in office hours (UTC) on ``day``."""
        seconds = 8 * 3600 + int(self.rng.random() * 10 * 3600)
        moment = datetime.datetime(
            day.year, day.month, day.day, seconds // 3600, seconds // 60 % 60, seconds % 60,
            tzinfo=datetime.UTC,
        )  # fmt: skip
        return moment if moment <= self.ceiling else self.ceiling

    def _start_day(self, index: int) -> datetime.date:
        """Registration day of the ``index``-th case: chronological, a slowly growing volume."""
        u = (index + self.rng.random()) / self.spec.cases
        # Density 0.8 + 0.4 x on [0, 1]: a third more requests in the last year than the first.
        x = (-0.8 + math.sqrt(0.64 + 0.8 * u)) / 0.4
        day = self.first_day + datetime.timedelta(days=min(self.span - 1, int(x * self.span)))
        weekday = day.weekday()
        if weekday >= 5:  # registries do not work at weekends: Monday's pile
            day += datetime.timedelta(days=7 - weekday)
        return min(day, self.today)

    def _event_budget(self, remaining_events: int, remaining_cases: int) -> int:
        if remaining_cases == 1:
            return remaining_events
        mean = remaining_events / remaining_cases
        drawn = round(mean * self.rng.gammavariate(2.0, 0.5))
        return max(1, min(drawn, remaining_events - (remaining_cases - 1)))

    def batch(
        self, first_id: int, first_index: int, size: int, remaining_events: int
    ) -> dict[str, list[tuple[Any, ...]]]:
        rows: dict[str, list[tuple[Any, ...]]] = {
            "cases": [],
            "events": [],
            "offences": [],
            "persons": [],
            "measures": [],
        }
        remaining_cases = self.spec.cases - first_index
        for offset in range(size):
            budget = self._event_budget(remaining_events, remaining_cases - offset)
            written = self._case(first_id + offset, first_index + offset, budget, rows)
            remaining_events -= written
        return rows

    def _case(
        self, case_id: int, index: int, budget: int, rows: dict[str, list[tuple[Any, ...]]]
    ) -> int:
        rng = self.rng
        bench = self.benches[self.sizes(rng)]
        direction = Direction.INCOMING if rng.random() < 0.55 else Direction.OUTGOING
        incoming = direction == Direction.INCOMING
        kind = self.kinds(rng)
        counterpart = bench.counterparts(rng)
        start = self._start_day(index)
        created = self._moment(start)
        officer = bench.officers[int(rng.random() * len(bench.officers))]
        if rng.random() < 0.05:
            officer_id: int | None = None
            actor = bench.supervisor
        else:
            officer_id = officer[0]
            actor = officer

        # The path through the lifecycle, up to today and within the event budget.
        status = str(INITIAL_STATUS[direction])
        table = self.chain[direction]
        day = start
        path: list[tuple[str, str, str, datetime.date]] = []
        limit = min(MAX_TRANSITIONS, budget - 1)
        while len(path) < limit:
            chain = table.get(status)
            if chain is None:
                break
            name = chain.picker(rng)
            target, mu, sigma = chain.moves[name]
            lag = max(1, round(rng.lognormvariate(mu, sigma)))
            next_day = day + datetime.timedelta(days=lag)
            if next_day > self.today:
                break
            path.append((name, status, target, next_day))
            status, day = target, next_day
        self.status_counts[status] = self.status_counts.get(status, 0) + 1
        dates: dict[str, datetime.date] = {}
        ground = ""
        for name, _source, _target, on in path:
            date_field = BY_NAME[name].date_field
            if date_field:
                dates[date_field] = on
            if BY_NAME[name].needs_ground:
                ground = self.grounds(rng)
        # What the measures show: the status before closing, for a closed file.
        settled = path[-1][1] if status == Status.CLOSED else status
        execution_started = next((on for name, _s, _t, on in path if name == "execute_start"), None)

        # References, names and offences.
        year = start.year
        key = (bench.id, direction, year)
        number = self.counters[key] = self.counters.get(key, 0) + 1
        our_reference = f"{'IN' if incoming else 'OUT'}-{year}-{number:05d}"
        their_reference = ""
        if incoming:
            their_reference = f"MLA/{year}/{rng.randint(100, 99999)}"
        elif "acknowledged_on" in dates and rng.random() < 0.7:
            their_reference = f"{counterpart}-{year}-{rng.randint(1000, 999999)}"
        persons = []
        for _n in range(1 + (rng.random() < 0.45) + (rng.random() < 0.15)):
            role = self.roles[kind](rng)
            legal = role == PersonRole.ASSET_HOLDER and rng.random() < 0.5
            surname = SURNAMES[int(rng.random() * len(SURNAMES))]
            if legal:
                name = f"{surname} {COMPANY_SUFFIXES[int(rng.random() * len(COMPANY_SUFFIXES))]}"
            else:
                name = f"{GIVEN_NAMES[int(rng.random() * len(GIVEN_NAMES))]} {surname}"
            persons.append((role, legal, name))
        offences = []
        for _n in range(1 + (rng.random() < 0.4) + (rng.random() < 0.1)):
            code, title = rng.choice(self.by_section[self.sections(rng)])
            offences.append((code, title, f"Criminal Code, art. {rng.randint(100, 699)}"))
        main_person = persons[0][2]
        main_offence = offences[0][1].lower()
        template = rng.choice(SUBJECTS[kind])
        subject = template.format(name=main_person, offence=main_offence)
        subject = subject[0].upper() + subject[1:]
        summary = SUMMARY.format(name=main_person, offence=main_offence, year=year)
        prosecutor = PROSECUTORS[int(rng.random() * len(PROSECUTORS))]
        requesting_name = prosecutor if incoming else ""
        requested_name = "" if incoming else prosecutor
        conducting = prosecutor if incoming else "Public prosecutor's office"
        executing = "Investigating judge" if incoming and execution_started else ""

        # Deadlines: asked by the requesting side, or 60 working days (12 weeks) from receipt.
        requested_deadline = None
        if rng.random() < (0.25 if incoming else 0.4):
            requested_deadline = start + datetime.timedelta(days=rng.randint(30, 240))
        deadline = requested_deadline
        if deadline is None and incoming:
            deadline = start + datetime.timedelta(days=84)
        last_moment = self._moment(path[-1][3]) if path else created
        if last_moment < created:
            last_moment = created

        folded_person, folded_offence = self._fold(main_person), self._fold(main_offence)
        search_parts = [
            our_reference.lower(),
            their_reference.lower(),
            self._fold(template).format(name=folded_person, offence=folded_offence),
            self._fold(SUMMARY).format(name=folded_person, offence=folded_offence, year=year),
            self._fold(requesting_name),
            self._fold(requested_name),
            self._fold(conducting),
            self._fold(executing),
        ]
        for _role, _legal, name in persons:
            search_parts.append(self._fold(name))
        for code, title, provision in offences:
            search_parts += [self._fold(title), self._fold(provision), code]

        # Its disposition day (the last column) follows the history, drawn below.
        case_row = (
            case_id,
            self._uuid(),
            bench.id,
            direction,
            kind,
            status,
            our_reference,
            their_reference,
            subject[:300],
            summary,
            PURPOSES[kind],
            "",
            counterpart if incoming else bench.state,
            bench.state if incoming else counterpart,
            counterpart,
            requesting_name,
            requested_name,
            conducting,
            executing,
            officer_id,
            self.urgency(rng),
            self.confidentiality(rng),
            "",
            "",
            None if incoming else start,
            dates.get("sent_on"),
            start if incoming else None,
            dates.get("acknowledged_on"),
            dates.get("executed_on"),
            dates.get("closed_on"),
            requested_deadline,
            deadline,
            ground,
            created,
            last_moment,
            " ".join(p for p in search_parts if p),
            self.channel(rng),
        )
        for code, title, provision in offences:
            rows["offences"].append((case_id, title, provision, code))
        for role, legal, name in persons:
            birth = None
            if not legal:
                birth = datetime.date(
                    rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)
                )
            rows["persons"].append(
                (
                    self._uuid(),
                    case_id,
                    role,
                    legal,
                    name,
                    "",
                    birth,
                    "",
                    None if legal else (counterpart if rng.random() < 0.7 else bench.state),
                    "",
                    "",
                )
            )

        # Measures, in statuses that agree with the case's.
        measure_kinds = [
            self.measures[kind](rng)
            for _n in range(1 + (rng.random() < 0.6) + (rng.random() < 0.5) + (rng.random() < 0.3))
        ]
        end_day = path[-1][3] if path else start
        for position, measure_kind in enumerate(measure_kinds):
            m_status, m_ground, reason = MeasureStatus.REQUESTED, "", ""
            executed_on = None
            if settled == Status.EXECUTED:
                m_status = MeasureStatus.EXECUTED
                if position and rng.random() < 0.2:
                    m_status = rng.choice((MeasureStatus.REFUSED, MeasureStatus.WITHDRAWN))
            elif settled == Status.PARTIALLY_EXECUTED:
                m_status = (
                    MeasureStatus.EXECUTED
                    if position == 0
                    else rng.choice((MeasureStatus.IN_EXECUTION, MeasureStatus.PARTIALLY_EXECUTED))
                )
            elif settled == Status.IN_EXECUTION:
                m_status = rng.choice((MeasureStatus.IN_EXECUTION, MeasureStatus.REQUESTED))
            elif settled == Status.POSTPONED:
                m_status = MeasureStatus.POSTPONED
                reason = "Postponed with the request."
            elif settled == Status.REFUSED:
                m_status, m_ground = MeasureStatus.REFUSED, ground
            elif settled == Status.WITHDRAWN:
                m_status = MeasureStatus.WITHDRAWN
            if m_status == MeasureStatus.REFUSED:
                m_ground = m_ground or self.grounds(rng)
                reason = "Refused; the reasons were communicated."
            elif m_status == MeasureStatus.WITHDRAWN:
                reason = "Withdrawn by the requesting state."
            if m_status == MeasureStatus.EXECUTED:
                since = execution_started or start
                executed_on = since + datetime.timedelta(
                    days=int(rng.random() * max(0, (end_day - since).days + 1))
                )
            rows["measures"].append(
                (
                    self._uuid(),
                    case_id,
                    measure_kind,
                    "",
                    "{}",
                    m_status,
                    None,
                    executed_on,
                    m_ground,
                    reason,
                )
            )

        # The history: registered, the transitions, then other events to fill the budget.
        events = rows["events"]
        events_before = len(events)
        actor_id, actor_name = actor
        events.append(
            (case_id, created, EventKind.REGISTERED, actor_id, actor_name, "",
             str(INITIAL_STATUS[direction]), "", "", "{}")
        )  # fmt: skip
        first_final_move: datetime.datetime | None = None
        for name, source, target, on in path:
            transition = BY_NAME[name]
            moment = self._moment(on)
            if first_final_move is None and target in FINAL_STATUSES:
                first_final_move = moment
            events.append(
                (
                    case_id,
                    moment,
                    EventKind.TRANSITION,
                    actor_id,
                    actor_name,
                    source,
                    target,
                    ground if transition.needs_ground else "",
                    REASONS.get(name, "Refused after consultation.")
                    if transition.needs_reason
                    else "",
                    f'{{"action": "{name}", "on": "{on.isoformat()}"}}',
                )
            )
        # The rule of Case.disposed_on (cases.stats.disposition_day), as do_transition keeps it.
        disposed_on = None
        if status in FINAL_STATUSES:
            disposed_on = (
                dates.get("executed_on")
                or (first_final_move and timezone.localdate(first_final_move))
                or dates.get("closed_on")
            )
        rows["cases"].append((*case_row, disposed_on))
        extra = budget - 1 - len(path)
        if self.extensions and extra > 0:
            drawn = DrawnCase(
                id=case_id,
                authority_id=bench.id,
                state=bench.state,
                counterpart=counterpart,
                incoming=incoming,
                kind=kind,
                status=status,
                start=start,
                registered_at=created,
                today=self.today,
                measures=tuple(measure_kinds),
                person=persons[0][2],
                actor=actor,
            )
            for extension in self.extensions:
                lines = extension.draw(drawn, rng, extra, self._moment)
                events += lines
                extra -= len(lines)
        if extra > 0:
            span = max(1, ((path[-1][3] if path else self.today) - start).days)
            if status not in (Status.CLOSED, Status.WITHDRAWN, Status.REFUSED, Status.EXECUTED):
                span = max(1, (self.today - start).days)
            for _n in range(extra):
                filler = self.fillers(rng)
                on = start + datetime.timedelta(days=int(rng.random() * (span + 1)))
                on = min(on, self.today)
                moment = self._moment(on)
                reason = ""
                if filler == EventKind.NOTE:
                    reason = NOTES[int(rng.random() * len(NOTES))]
                    details = "{}"
                elif filler == EventKind.FOLLOW_UP:
                    details = _json({"direction": rng.choice(FollowUpDirection.values)})
                elif filler == EventKind.MEASURE:
                    details = _json(
                        {"measure": rng.choice(measure_kinds), "deadline": on.isoformat()}
                    )
                elif filler == EventKind.DOCUMENT:
                    details = '{"added": "Correspondence", "version": 1}'
                elif filler == EventKind.UPDATED:
                    details = '{"fields": ' + UPDATED_FIELDS[int(rng.random() * 5)] + "}"
                else:
                    details = _json({"officer": officer[1]})
                events.append(
                    (case_id, max(moment, created), filler, actor_id, actor_name, "", "", "",
                     reason, details)
                )  # fmt: skip
        return len(events) - events_before
