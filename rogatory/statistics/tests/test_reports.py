"""The three reports on the fixed data set of test_figures (open, refused, postponed and
withdrawn requests) plus one asset returned with expenses deducted; figures worked out by
hand below and in test_figures' docstring. Then: suppression, files, runs, snapshots, access.

The asset (on I1): frozen 10 February 2025 (EUR 500,000), confiscated 1 April 2025
(criminal, EUR 480,000), returned 20 May 2025 under art. 57(3)(a): EUR 450,000 after EUR
30,000 of expenses deducted.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import Personas
from rogatory.assets.tests.conftest import MakeAsset, make_asset  # noqa: F401 (a fixture)
from rogatory.audit.models import AuditEntry
from rogatory.cases.models import Case
from rogatory.reference.models import Currency, State
from rogatory.statistics.models import ReportRun, ReportSnapshot
from rogatory.statistics.reports import runs
from rogatory.statistics.reports.document import SUPPRESSED, build_document
from rogatory.statistics.reports.files import to_pdf, to_xlsx
from rogatory.statistics.reports.layouts import get_layout
from rogatory.statistics.tests.test_figures import TODAY, YEAR, data  # noqa: F401 (a fixture)

D = datetime.date.fromisoformat
pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(data: dict[str, Case], make_asset: MakeAsset) -> dict[str, Case]:  # noqa: F811
    eur = Currency.objects.get(pk="EUR")
    order = {"ordering_authority": "Tribunal judiciaire de Paris"}
    make_asset(
        case=data["I1"],
        steps=[
            ("freeze", D("2025-02-10"), {**order, "amount": Decimal("500000"), "currency": eur}),
            (
                "confiscate",
                D("2025-04-01"),
                {
                    **order,
                    "confiscation_type": "criminal",
                    "amount": Decimal("480000"),
                    "currency": eur,
                },
            ),
            (
                "return",
                D("2025-05-20"),
                {
                    "return_category": "57_3_a",
                    "counterpart_state": State.objects.get(pk="KE"),
                    "amount": Decimal("450000.00"),
                    "currency": eur,
                    "expenses_deducted": Decimal("30000.00"),
                },
            ),
        ],
    )
    return data


def report(
    personas: Personas, layout_id: str, threshold: int | None = None, language: str = "en"
) -> dict[str, Any]:
    with translation.override(language):
        return build_document(
            get_layout(layout_id),
            cases=Case.objects.for_user(personas.supervisor),
            authority=personas.authority_a,
            period=YEAR,
            today=TODAY,
            threshold=threshold,
        )


def tables(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["key"]: t for s in document["sections"] for t in s["tables"]}


def rows(document: dict[str, Any], key: str) -> dict[str, list[Any]]:
    return {row[0]: row[1:] for row in tables(document)[key]["rows"]}


def test_untoc_review_report(dataset: dict[str, Case], personas: Personas) -> None:
    """Kinds, states, offences, channels, durations, refusals and postponements of 2025."""
    document = report(personas, "untoc_review")
    assert (
        document["title"] == "UNTOC review mechanism: international cooperation in criminal matters"
    )
    assert document["sections"][0]["heading"] == (
        "Requests received and sent, by kind of cooperation"
    )
    kinds = rows(document, "kinds")
    assert kinds["Mutual legal assistance"] == [3, 2, 5]
    assert kinds["Extradition"] == [1, 1, 2]
    assert tables(document)["kinds"]["total"] == ["All", 4, 3, 7]
    assert rows(document, "states") == {
        "Kenya": ["Sub-Saharan Africa", 4, 2, 6],
        "Germany": ["Western Europe", 0, 1, 1],
    }
    assert rows(document, "regions") == {"Africa": [4, 2, 6], "Europe": [0, 1, 1]}
    assert list(rows(document, "iccs_sections").values()) == [[1, 1, 2]]
    channels = rows(document, "channels")
    assert channels["Diplomatic channels"] == [0, 1, 1]
    assert channels["INTERPOL"] == [0, 1, 1]
    durations = rows(document, "durations")
    # requests, ended, running, left out (I2 refused), median, p90, median age, oldest
    assert durations["Received requests: receipt to execution"] == [4, 1, 2, 1, 60, None, 75.5, 106]
    # O2 withdrawn after 10 days; O1 executed after 30; O3 running at 75.
    assert durations["Sent requests: sending to disposition"] == [3, 2, 1, 0, 30, None, 75, 75]
    clearance = rows(document, "clearance")
    assert clearance["Received (incoming)"] == [4, 2, 50.0, 3, 249.0]
    assert rows(document, "refusals") == {
        "Absence of dual criminality (18(9))": ["UNTOC 18(9)", 1, 0, 1]
    }
    postponed = rows(document, "postponements")
    assert postponed["Postponed by us (received requests)"] == ["UNTOC 18(25)", 1, 1]
    gaps = rows(document, "completeness")
    assert gaps["Requests of the period with no offence coded in ICCS"][0] == 5
    # Every table carries its counting rule.
    assert all(t["rule"].startswith("Unit: the ") for t in tables(document).values())


def test_uncac_chapters_iv_and_v_report(dataset: dict[str, Case], personas: Personas) -> None:
    """Chapter IV figures, and the asset frozen, confiscated and returned net of expenses."""
    document = report(personas, "uncac_iv_v")
    basis = rows(document, "legal_basis")
    assert basis["No legal basis recorded"] == [2, 2, 4]
    codes = {label.split()[0]: values for label, values in rows(document, "iccs_codes").items()}
    assert codes == {"070311": [1, 0, 1], "07041": [1, 1, 2]}
    # hide_empty: only the measure sought at all is listed.
    assert rows(document, "measures") == {"Bank and financial records": [4, 1, 1, 3, 1, 0]}
    steps = rows(document, "assets_steps")
    assert steps == {
        "Frozen or seized (UNCAC art. 31, 54(2))": [1],
        "Confiscated (UNCAC art. 31, 54(1))": [1],
        "Shared with another state": [0],
        "Returned (UNCAC art. 57)": [1],
        "Informal enquiries through CARIN or an ARIN": [0],
    }
    amounts = [row for row in tables(document)["assets_amounts"]["rows"]]
    assert amounts == [
        ["Frozen or seized (UNCAC art. 31, 54(2))", "EUR", "500,000.00"],
        ["Confiscated (UNCAC art. 31, 54(1))", "EUR", "480,000.00"],
        ["Returned (UNCAC art. 57)", "EUR", "450,000.00"],
        ["Reasonable expenses deducted before return (UNCAC art. 57(4))", "EUR", "30,000.00"],
    ]
    types = rows(document, "assets_confiscation_types")
    assert types["Criminal (conviction-based)"] == [1]
    assert tables(document)["assets_confiscation_types"]["total"] == ["All", 1]
    categories = rows(document, "assets_return_categories")
    assert categories[
        "Art. 57(3)(a): embezzled public funds, returned to the requesting state"
    ] == [1]


def test_annual_report(dataset: dict[str, Case], personas: Personas) -> None:
    """Backlog on 15 June: I3 (106 days), I4 (45), I5 (177, received 2024), O3 (75)."""
    document = report(personas, "annual")
    assert document["charts"] is True
    backlog = rows(document, "backlog")
    assert backlog["31 to 90 days"] == [1, 1, 2]
    assert backlog["91 to 180 days"] == [2, 0, 2]
    assert tables(document)["backlog"]["total"] == ["All", 3, 1, 4]
    assert rows(document, "subregions")["Western Europe"] == [0, 1, 1]
    assert rows(document, "urgency")["Urgent"] == [0, 1, 1]
    assert rows(document, "assets_steps")["Returned (UNCAC art. 57)"] == [1]


def test_a_report_for_sending_suppresses_small_cells(
    dataset: dict[str, Case], personas: Personas
) -> None:
    """Threshold 3. Kinds: MLA [3, 2, 5], extradition [1, 1, 2], total [4, 3, 7]. The 2 and
    the 1s go; MLA's row then needs a second cell (its 3), and the column of row totals a
    second one (MLA's 5). Zeros and the column totals stay."""
    document = report(personas, "untoc_review", threshold=3)
    x = SUPPRESSED
    kinds = rows(document, "kinds")
    assert kinds["Mutual legal assistance"] == [x, x, x]
    assert kinds["Extradition"] == [x, x, x]
    assert kinds["Other cooperation"] == [0, 0, 0]
    assert tables(document)["kinds"]["total"] == ["All", 4, 3, 7]
    # One refusal: hidden with its total, and the row of sums.
    assert rows(document, "refusals") == {
        "Absence of dual criminality (18(9))": ["UNTOC 18(9)", x, 0, x]
    }
    assert tables(document)["refusals"]["total"] == ["All", "", x, 0, x]
    # Medians are days, not counts: never hidden.
    assert rows(document, "durations")["Sent requests: sending to disposition"][4:] == [
        30,
        None,
        75,
        75,
    ]
    assert "1 to 2" in document["suppression_note"]


def test_pdf_and_workbook_in_arabic(dataset: dict[str, Case], personas: Personas) -> None:
    """The PDF declares its language and holds each counting rule; the workbook has one sheet
    per section, right to left."""
    with translation.override("ar"):
        document = build_document(
            get_layout("untoc_review"),
            cases=Case.objects.for_user(personas.supervisor),
            authority=personas.authority_a,
            period=YEAR,
            today=TODAY,
            threshold=3,
        )
        pdf = to_pdf(document, "ar")
        xlsx = to_xlsx(document)
    reader = PdfReader(io.BytesIO(pdf))
    assert cast(Any, reader.trailer)["/Root"]["/Lang"] == "ar"
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Kenya" in text or "كينيا" in text
    book = load_workbook(io.BytesIO(xlsx))
    assert len(book.sheetnames) == 1 + len(document["sections"])
    sheet = book[book.sheetnames[1]]
    assert sheet.sheet_view.rightToLeft
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert SUPPRESSED in values


# --- Runs, snapshots, access ----------------------------------------------------------------


def ask(
    client: Client, layout: str = "untoc_review", for_sending: bool = False, language: str = "en"
) -> Any:
    form = {"layout": layout, "preset": "dates", "start": "2025-01-01", "end": "2025-12-31"}
    if for_sending:
        form["for_sending"] = "on"
    return client.post(reverse("reports"), form, headers={"accept-language": language})


@time_machine.travel(datetime.datetime(2025, 6, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_a_small_report_is_written_while_the_reader_waits(
    dataset: dict[str, Case], personas: Personas, client: Client
) -> None:
    client.force_login(personas.officer)
    assert client.get(reverse("reports")).status_code == 200
    response = ask(client, language="fr")
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert (run.status, run.progress, run.suppressed) == (ReportRun.Status.DONE, 100, False)
    # Written in the language of the reader who asked.
    assert run.language == "fr" and (run.document or {}).get("language") == "fr"
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200
    assert b'data-testid="report-table-kinds"' in page.content
    assert b"Unit: the request" in page.content or b"Unit\xc3\xa9" in page.content
    # Not for sending, and an officer: no "mark as sent".
    assert b'data-testid="mark-sent"' not in page.content
    pdf = client.get(reverse("report_run_file", args=[run.public_id, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("report_run_file", args=[run.public_id, "xlsx"]))
    assert xlsx.status_code == 200
    assert client.get(reverse("report_run_file", args=[run.public_id, "exe"])).status_code == 404


def test_a_large_report_waits_for_the_worker_and_shows_progress(
    dataset: dict[str, Case], personas: Personas, client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr(runs, "INLINE_LIMIT", 3)
    client.force_login(personas.officer)
    ask(client, layout="annual")
    run = ReportRun.objects.get()
    assert run.status == ReportRun.Status.QUEUED
    page = client.get(run.get_absolute_url())
    assert b"<progress" in page.content and b'hx-trigger="every 2s"' in page.content
    fragment = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert b'id="report-progress"' in fragment.content and b"<h1>" not in fragment.content
    call_command("generate_reports", stdout=io.StringIO())
    run.refresh_from_db()
    assert (run.status, run.progress) == (ReportRun.Status.DONE, 100)
    assert (run.folder() / "report.pdf").is_file()
    done = client.get(run.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_failed_run_says_why_and_is_no_500(
    dataset: dict[str, Case], personas: Personas, client: Client, monkeypatch: Any
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(runs, "to_pdf", broken)
    client.force_login(personas.officer)
    ask(client)
    run = ReportRun.objects.get()
    assert run.status == ReportRun.Status.FAILED
    assert "administrator" in run.message and "fire" not in run.message
    page = client.get(run.get_absolute_url())
    assert page.status_code == 200 and b'data-testid="report-failed"' in page.content
    # A layout gone since the run was queued: failed, with the reason.
    queued = runs.do_request_report("annual", YEAR, for_sending=False, acting_user=personas.officer)
    ReportRun.objects.filter(pk=queued.pk).update(layout="gone")
    assert runs.process_pending_reports() == 1
    queued.refresh_from_db()
    assert queued.status == ReportRun.Status.FAILED and "gone" in queued.message


def test_an_unknown_layout_is_a_form_error(personas: Personas, client: Client) -> None:
    client.force_login(personas.officer)
    response = ask(client, layout="nope")
    assert response.status_code == 200 and not ReportRun.objects.exists()


def test_marking_as_sent_keeps_a_frozen_audited_snapshot(
    dataset: dict[str, Case], personas: Personas, client: Client
) -> None:
    client.force_login(personas.supervisor)
    ask(client, for_sending=True)
    run = ReportRun.objects.get()
    assert run.suppression_threshold == 3
    page = client.get(run.get_absolute_url())
    assert b'data-testid="mark-sent"' in page.content
    url = reverse("report_mark_sent", args=[run.public_id])
    response = client.post(url, {"sent_on": "2025-06-20", "sent_to": "UNODC secretariat"})
    snapshot = ReportSnapshot.objects.get()
    assert response["Location"] == snapshot.get_absolute_url()
    pdf = (snapshot.folder() / "report.pdf").read_bytes()
    assert snapshot.files["pdf"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert snapshot.document == run.document and snapshot.layout["id"] == "untoc_review"
    assert "[[sections]]" in snapshot.layout_source
    assert snapshot.layout_source == run.layout_source
    entry = AuditEntry.objects.get(action="statistics.report_sent")
    assert entry.object_ref == str(snapshot.public_id)
    assert entry.details["sha256"]["pdf"] == snapshot.files["pdf"]["sha256"]
    # Listed, readable, downloadable; never marked twice, never changed.
    assert str(snapshot.public_id).encode() in client.get(reverse("reports")).content
    assert client.get(snapshot.get_absolute_url()).status_code == 200
    download = client.get(reverse("report_snapshot_file", args=[snapshot.public_id, "pdf"]))
    assert b"".join(download.streaming_content) == pdf
    client.post(url, {"sent_on": "2025-06-21"})
    assert ReportSnapshot.objects.count() == 1
    with pytest.raises(ValueError):
        snapshot.save()


def test_a_report_showing_every_cell_cannot_be_marked_as_sent(
    dataset: dict[str, Case], personas: Personas
) -> None:
    run = runs.do_request_report("annual", YEAR, for_sending=False, acting_user=personas.supervisor)
    runs.start(run)
    runs.write_report(run)
    run.refresh_from_db()
    with pytest.raises(runs.InputRefused, match="version for sending"):
        runs.do_mark_sent(run, sent_on=D("2025-06-20"), sent_to="", acting_user=personas.supervisor)


def test_access(dataset: dict[str, Case], personas: Personas, client: Client) -> None:
    """Members read; an officer cannot mark as sent (403); another authority gets 404; a user
    of no authority 403; CSRF is enforced."""
    run = runs.do_request_report("annual", YEAR, for_sending=True, acting_user=personas.officer)
    runs.start(run)
    runs.write_report(run)
    run_url = run.get_absolute_url()
    sent_url = reverse("report_mark_sent", args=[run.public_id])
    client.force_login(personas.authority_admin)
    assert client.get(run_url).status_code == 200
    client.force_login(personas.officer)
    assert client.get(run_url).status_code == 200
    assert client.post(sent_url, {"sent_on": "2025-06-20"}).status_code == 403
    client.force_login(personas.outsider)
    assert client.get(run_url).status_code == 404
    assert client.get(reverse("report_run_file", args=[run.public_id, "pdf"])).status_code == 404
    assert client.post(sent_url, {"sent_on": "2025-06-20"}).status_code == 404
    client.force_login(personas.site_admin)
    assert client.get(reverse("reports")).status_code == 403
    assert client.get(run_url).status_code == 403
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(personas.supervisor)
    assert csrf.post(sent_url, {"sent_on": "2025-06-20"}).status_code == 403
    assert not ReportSnapshot.objects.exists()


def test_an_annual_report_draws_charts_and_a_suppressed_one_none(
    dataset: dict[str, Case], personas: Personas
) -> None:
    """Charts come from statistics.charts (decision 0043); none in a suppressed report."""
    from rogatory.statistics import report_views

    context = report_views._document_context(report(personas, "annual"))
    drawn = {
        table["key"]: table["chart"]
        for section in context["sections"]
        for table in section["tables"]
        if table["chart"]
    }
    assert "backlog" in drawn
    assert 'role="img"' in drawn["backlog"] and "chart-" in drawn["backlog"]
    suppressed = report_views._document_context(report(personas, "annual", threshold=3))
    assert not [t for s in suppressed["sections"] for t in s["tables"] if t["chart"]]


def test_a_bad_date_when_marking_as_sent_is_a_message(
    dataset: dict[str, Case], personas: Personas, client: Client
) -> None:
    run = runs.do_request_report("annual", YEAR, for_sending=True, acting_user=personas.officer)
    runs.start(run)
    runs.write_report(run)
    client.force_login(personas.supervisor)
    url = reverse("report_mark_sent", args=[run.public_id])
    response = client.post(url, {"sent_on": "1066-10-14"}, follow=True)
    assert response.status_code == 200 and b'class="messages"' in response.content
    assert not ReportSnapshot.objects.exists()


def test_the_reports_page_costs_the_same_queries_whatever_it_lists(
    personas: Personas, client: Client
) -> None:
    """Runs and reports sent are listed with their people in a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_run() -> None:
        run = runs.do_request_report("annual", YEAR, for_sending=True, acting_user=personas.officer)
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.DONE)
        ReportSnapshot.objects.create(
            authority=personas.authority_a,
            run=run,
            layout_id="annual",
            layout_source="",
            layout={},
            start=YEAR.start,
            end=YEAR.end,
            as_of=TODAY,
            language="en",
            suppression_threshold=3,
            document={},
            files={},
            sent_on=TODAY,
            marked_by=personas.supervisor,
        )

    client.force_login(personas.supervisor)
    add_run()
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("reports")).status_code == 200
    for _ in range(4):
        add_run()
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("reports")).status_code == 200
    assert len(five) == len(one)


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans", "ru"])
def test_the_annual_report_pdf_draws_its_charts(
    dataset: dict[str, Case], personas: Personas, language: str
) -> None:
    """The PDF draws the charts the page draws (fpdf2 shapes, so Arabic is shaped and Chinese
    falls back to its font), each above its table; a suppressed report none."""
    from rogatory.statistics.reports import pdf_charts

    blue = " ".join(f"{c / 255:.4f}".rstrip("0").rstrip(".") for c in pdf_charts.COLOURS[0])

    def fills(pdf: bytes) -> int:
        reader = PdfReader(io.BytesIO(pdf))
        streams = [cast(Any, page.get_contents()).get_data() for page in reader.pages]
        return sum(stream.decode("latin-1").count(f"{blue} rg") for stream in streams)

    with translation.override(language):
        pdf = to_pdf(report(personas, "annual", language=language), language)
        plain = to_pdf(report(personas, "annual", threshold=3, language=language), language)
    artifacts = Path(django_settings.BASE_DIR) / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"report-annual-{language}.pdf").write_bytes(pdf)
    assert fills(pdf) >= 3  # the months, the backlog, the states: each has a blue series
    assert fills(plain) == 0


def test_old_runs_are_deleted_and_reports_sent_stay(
    dataset: dict[str, Case], personas: Personas, settings: Any
) -> None:
    """After STATISTICS_REPORT_RUN_DAYS a run and its folder go; one marked as sent lives on
    as its snapshot (files and figures); a recent run and one still waiting stay."""
    settings.STATISTICS_REPORT_RUN_DAYS = 30

    def written(for_sending: bool) -> ReportRun:
        run = runs.do_request_report(
            "annual", YEAR, for_sending=for_sending, acting_user=personas.officer
        )
        runs.start(run)
        runs.write_report(run)
        run.refresh_from_db()
        assert run.status == ReportRun.Status.DONE and run.folder().is_dir()
        return run

    with time_machine.travel(datetime.datetime(2026, 1, 10, 12, tzinfo=datetime.UTC)):
        old = written(False)
        sent = written(True)
        snapshot = runs.do_mark_sent(
            sent, sent_on=D("2026-01-10"), sent_to="", acting_user=personas.supervisor
        )
        waiting = runs.do_request_report(
            "annual", YEAR, for_sending=False, acting_user=personas.officer
        )
        ReportRun.objects.filter(pk=waiting.pk).update(status=ReportRun.Status.QUEUED)
    with time_machine.travel(datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC)):
        recent = written(False)
    with time_machine.travel(datetime.datetime(2026, 2, 10, 12, tzinfo=datetime.UTC)):
        assert runs.purge_old_runs() == 2
        assert runs.purge_old_runs() == 0
    left = set(ReportRun.objects.values_list("pk", flat=True))
    assert left == {waiting.pk, recent.pk}
    assert not old.folder().exists() and not sent.folder().exists()
    assert recent.folder().is_dir()
    snapshot.refresh_from_db()
    assert snapshot.run is None and snapshot.document
    assert all((snapshot.folder() / entry["name"]).is_file() for entry in snapshot.files.values())
