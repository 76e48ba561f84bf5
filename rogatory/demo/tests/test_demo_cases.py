"""The demo casework: a believable year for the French authority, loaded once for the module."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from rogatory.audit.models import AuditEntry
from rogatory.audit.verify import verify_chain
from rogatory.cases.choices import (
    Confidentiality,
    CooperationKind,
    Direction,
    LinkKind,
    RefusalGround,
    Status,
    Urgency,
)
from rogatory.cases.models import (
    Case,
    CaseEvent,
    CaseLink,
    DocumentVersion,
    FollowUp,
    Holiday,
    Measure,
)
from rogatory.demo.cases import (
    FR_CODE,
    PARTNERS,
    Plan,
    easter,
    french_holidays,
    pdf_bytes,
    plan_all,
)
from rogatory.demo.loaders import load_demo_data
from rogatory.lib import uploads
from rogatory.reference.models import IccsCategory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[datetime.date]:
    """Load the demo data once; roll it back (and drop its files) after the module's tests."""
    media = tmp_path_factory.mktemp("demo-documents")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        load_demo_data()
        yield timezone.localdate()
        transaction.set_rollback(True)


def fr_cases() -> list[Case]:
    return list(Case.objects.filter(authority__code=FR_CODE))


def test_every_status_has_at_least_three_requests(demo: datetime.date) -> None:
    cases = fr_cases()
    assert 120 <= len(cases) <= 200
    statuses = Counter(c.status for c in cases)
    assert {s: statuses[s] for s in Status if statuses[s] < 3} == {}
    assert {c.direction for c in cases} == set(Direction)
    kinds = Counter(c.kind for c in cases)
    assert kinds[CooperationKind.MLA] > len(cases) / 2
    for kind in (
        CooperationKind.EXTRADITION,
        CooperationKind.ASSET_RECOVERY,
        CooperationKind.TRANSFER_OF_SENTENCED_PERSONS,
        CooperationKind.TRANSFER_OF_PROCEEDINGS,
    ):
        assert kinds[kind] >= 3, kind
    assert len({c.counterpart_state_id for c in cases}) >= 15
    assert len({c.officer_id for c in cases}) >= 2


def test_the_requests_are_spread_over_the_last_year(demo: datetime.date) -> None:
    cases = fr_cases()
    starts = [c.received_on or c.drafted_on for c in cases]
    assert all(s is not None for s in starts)
    first = min(s for s in starts if s is not None)
    assert demo - datetime.timedelta(days=366) <= first <= demo - datetime.timedelta(days=250)
    assert not CaseEvent.objects.filter(at__gt=timezone.now()).exists()
    executed = [c for c in cases if c.executed_on is not None]
    assert len(executed) >= 20
    for case in executed:
        assert case.start_date is not None and case.start_date < case.executed_on  # type: ignore[operator]
    # The registration event carries the back-dated registration time.
    case = min(cases, key=lambda c: c.created_at)
    registered = case.events.get(kind="registered")
    assert registered.at == case.created_at and registered.at.date() < demo


def test_requests_are_complete_and_use_real_reference_data(demo: datetime.date) -> None:
    cases = Case.objects.filter(authority__code=FR_CODE)
    assert not cases.filter(offences__isnull=True).exists()
    assert not cases.filter(persons__isnull=True).exists()
    assert not cases.filter(measures__isnull=True).exists()
    codes = set(cases.values_list("offences__iccs_id", flat=True))
    assert codes <= set(IccsCategory.objects.values_list("code", flat=True))
    assert len(codes) >= 8
    assert cases.filter(offences__national_provision="Code pénal, art. 324-1").exists()
    assert cases.filter(confidentiality=Confidentiality.STRICT).count() >= 3
    assert cases.filter(urgency=Urgency.VERY_URGENT).count() >= 3
    assert cases.filter(legal_basis__code="uncac").exists()
    measure_statuses = set(Measure.objects.filter(case__in=cases).values_list("status", flat=True))
    assert len(measure_statuses) >= 6


def test_some_requests_and_measures_are_overdue(demo: datetime.date) -> None:
    cases = Case.objects.filter(authority__code=FR_CODE)
    overdue = cases.overdue(demo).count()
    assert 10 <= overdue < cases.open().count()
    assert Measure.objects.open().filter(case__in=cases, deadline__lt=demo).exists()
    # Receipts not yet acknowledged, some for longer than a week.
    assert cases.filter(status=Status.RECEIVED, received_on__lt=demo - datetime.timedelta(7))


def test_status_requests_from_the_other_side(demo: datetime.date) -> None:
    follow_ups = FollowUp.objects.filter(case__authority__code=FR_CODE)
    assert follow_ups.filter(direction="from_counterpart", answered_on__isnull=False).exists()
    assert follow_ups.filter(direction="from_counterpart", answered_on__isnull=True).exists()
    assert follow_ups.filter(direction="to_counterpart").exists()


def test_refusals_have_varied_grounds_and_incoming_ones_were_consulted(
    demo: datetime.date,
) -> None:
    refusals = CaseEvent.objects.filter(case__authority__code=FR_CODE, to_status=Status.REFUSED)
    assert refusals.count() >= 10
    grounds = set(refusals.values_list("refusal_ground", flat=True))
    assert len(grounds) >= 6 and grounds <= set(RefusalGround.values)
    assert not refusals.filter(reason="").exists()
    for event in refusals.filter(case__direction=Direction.INCOMING).select_related("case"):
        assert event.from_status == Status.CONSULTATION
        assert event.case.refusal_ground == event.refusal_ground


def test_requests_are_linked(demo: datetime.date) -> None:
    links = CaseLink.objects.filter(source__authority__code=FR_CODE)
    kinds = set(links.values_list("kind", flat=True))
    assert kinds == {LinkKind.SUPPLEMENTS, LinkKind.SUPPORTS, LinkKind.RELATED}
    supports = links.filter(kind=LinkKind.SUPPORTS).select_related("target")
    assert all(link.target.kind == CooperationKind.EXTRADITION for link in supports)


def test_partners_hold_the_other_side_of_french_requests(demo: datetime.date) -> None:
    by_reference = {c.our_reference: c for c in fr_cases()}
    for partner in PARTNERS:
        cases = list(Case.objects.filter(authority__code=partner.code))
        assert len(cases) >= 6, partner.code
        mirrored = [c for c in cases if c.their_reference in by_reference]
        assert mirrored, partner.code
        for case in mirrored:
            french = by_reference[case.their_reference]
            assert french.counterpart_state_id == partner.state
            assert french.direction != case.direction
            # Each side writes in its own language, about the same people.
            assert set(french.persons.values_list("name", flat=True)) == set(
                case.persons.values_list("name", flat=True)
            )
            if french.status != Status.SENT:
                assert french.their_reference == case.our_reference


def test_documents_are_stored_and_intact(demo: datetime.date) -> None:
    versions = list(DocumentVersion.objects.select_related("document__case"))
    assert len(versions) >= 5
    assert {v.content_type for v in versions} == {uploads.PDF, uploads.DOCX}
    for version in versions:
        assert uploads.stored_path(version.file_path).is_file()
        assert uploads.verify_stored(version.file_path, version.sha256)


def test_french_public_holidays_are_in_the_calendar(demo: datetime.date) -> None:
    days = set(Holiday.objects.filter(authority__code=FR_CODE).values_list("day", flat=True))
    assert datetime.date(demo.year, 7, 14) in days
    assert easter(demo.year) + datetime.timedelta(days=1) in days
    assert len(days) == 33


def test_the_audit_trail_verifies(demo: datetime.date) -> None:
    assert AuditEntry.objects.filter(action="case.transition").count() > 500
    assert verify_chain().problem is None


def test_loading_again_changes_nothing(demo: datetime.date) -> None:
    models = (Case, CaseEvent, Measure, FollowUp, CaseLink, DocumentVersion, Holiday, AuditEntry)
    before = {m.__name__: m.objects.count() for m in models}
    statuses = dict(Case.objects.values_list("status").annotate(n=Count("id")))
    load_demo_data()
    assert {m.__name__: m.objects.count() for m in models} == before
    assert dict(Case.objects.values_list("status").annotate(n=Count("id"))) == statuses


def test_the_plan_is_the_same_on_every_run() -> None:
    today = datetime.date(2025, 3, 14)
    first, first_links = plan_all(today)
    second, second_links = plan_all(today)

    def summary(plans: dict[str, list[Plan]]) -> list[tuple[str, str, str, str]]:
        return [
            (p.our_reference, p.their_reference, p.target, p.start.isoformat())
            for items in plans.values()
            for p in items
        ]

    assert summary(first) == summary(second) and first_links == second_links


def test_easter_and_the_french_holidays() -> None:
    assert [easter(y) for y in (2024, 2025, 2026)] == [
        datetime.date(2024, 3, 31),
        datetime.date(2025, 4, 20),
        datetime.date(2026, 4, 5),
    ]
    holidays = dict(french_holidays(2025))
    assert len(holidays) == 11
    assert holidays[datetime.date(2025, 5, 29)] == "Ascension"
    assert holidays[datetime.date(2025, 6, 9)] == "Lundi de Pentecôte"


def test_the_generated_pdf_opens(tmp_path: Path) -> None:
    from pypdf import PdfReader

    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf_bytes("Demande d'entraide", ["Blanchiment (art. 324-1)", "Été"]))
    text = PdfReader(path).pages[0].extract_text()
    assert "Demande d'entraide" in text and "324-1" in text and "Été" in text
