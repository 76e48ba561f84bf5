"""Legislation, case law and treaties in the knowledge base: storing, CSV and AKN import,
facets, the editing and import pages (site administrators only)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, Personas
from rogatory.audit.models import AuditEntry
from rogatory.knowledge import views
from rogatory.knowledge.actions import (
    KnowledgeImportError,
    do_import_text,
    do_save_act,
    do_save_judgment,
    do_sync_treaty_documents,
)
from rogatory.knowledge.akn_legal import from_legal_akn
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.indexing import drain_outbox, get_backend
from rogatory.knowledge.legal import Judgment, LegalAct, Provision
from rogatory.knowledge.models import DocumentKind, KnowledgeDocument
from rogatory.knowledge.provisions_csv import provision_eid, read_provisions
from rogatory.treaties.models import Instrument

SEEDS = Path(__file__).resolve().parent / "seeds"
GA = SEEDS / "001_716226bc4d6731db.txt"  # A/RES/76/187, cites UNTS vol. 2225 No. 39574
DEMO = Path(__file__).resolve().parents[2] / "demo" / "knowledge"

pytestmark = pytest.mark.django_db

HEADER = "state,language,act_title,act_number,act_date,number,heading,text,iccs,implements\n"
CSV = HEADER + (
    'FR,fr,Code pénal,,1992-07-22,Article 324-1,Du blanchiment,"Le blanchiment est le fait…",'
    "07041,untoc:6 uncac:23\n"
    "FR,fr,Code pénal,,1992-07-22,Article 433-1,,Corruption active,070311,uncac:15\n"
    "CN,zh,中华人民共和国刑法,,1979-07-06,第三百八十九条,行贿罪,"
    "为谋取不正当利益，给予国家工作人员以财物的，是行贿罪。,070311,uncac:15\n"
    "KE,en,Bad Act,,1990-13-01,Section 1,,Text,07041,untoc:6\n"
    "KE,en,Unknown code Act,,,Section 1,,Text,99999,untoc:6\n"
)


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_provisions_csv_imports_good_acts_and_reports_bad_ones(tmp_path: Path) -> None:
    report = import_path(write(tmp_path, "provisions.csv", CSV))
    assert len(report.created) == 2
    skipped = dict(report.skipped)
    assert any("act_date '1990-13-01' is not YYYY-MM-DD" in r for r in skipped.values())
    assert any("Unknown ICCS codes: 99999" in r for r in skipped.values())
    code = KnowledgeDocument.objects.get(state="FR")
    assert code.kind == DocumentKind.LEGISLATION and code.title == "Code pénal"
    assert [(p.eid, p.number) for p in code.provisions.all()] == [
        ("art_324_1", "Article 324-1"),
        ("art_433_1", "Article 433-1"),
    ]
    assert code.iccs_codes == ["070311", "07041"]
    assert code.implements == ["uncac:15", "uncac:23", "untoc:6"]
    assert code.work_iri == "/akn/fr/act/1992-07-22/code-penal"
    # The stored AKN reads back to the same provisions, tags included.
    act = from_legal_akn(code.akn.encode())
    assert isinstance(act, LegalAct)
    assert act.provisions[0].iccs == ("07041",) and act.provisions[0].implements == (
        "untoc:6",
        "uncac:23",
    )
    # Idempotent: a second import changes nothing.
    audit = AuditEntry.objects.count()
    again = import_path(write(tmp_path, "provisions.csv", CSV))
    assert not again.created and not again.replaced and len(again.unchanged) == 2
    assert AuditEntry.objects.count() == audit


def test_a_changed_provision_replaces_the_act(tmp_path: Path) -> None:
    import_path(write(tmp_path, "provisions.csv", CSV))
    changed = CSV.replace("Corruption active", "Corruption active d'un agent public")
    report = import_path(write(tmp_path, "provisions.csv", changed))
    assert len(report.replaced) == 1 and len(report.unchanged) == 1
    code = KnowledgeDocument.objects.get(state="FR")
    assert code.provisions.get(eid="art_433_1").text == "Corruption active d'un agent public"
    assert KnowledgeDocument.objects.filter(kind=DocumentKind.LEGISLATION).count() == 2


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("state,language\nFR,fr\n", "Missing columns: act_title, number"),
        (HEADER.replace("heading", "colour"), "Unknown columns: colour"),
        ("\xff\xfe".encode("latin-1") + b"\x00garbage", "Not UTF-8"),
    ],
)
def test_unreadable_csv_is_skipped_with_its_reason(
    tmp_path: Path, content: str | bytes, reason: str
) -> None:
    report = import_path(write(tmp_path, "bad.csv", content))
    [(name, why)] = report.skipped
    assert name == "bad.csv" and reason in why
    assert not KnowledgeDocument.objects.exists()


def test_csv_row_problems_name_their_rows() -> None:
    content = HEADER + "FR,fr,Code pénal,,,,,Text,,\nfrance,fr,Code,,,Art. 1,,Text,,\n"
    acts = read_provisions(content.encode())
    assert acts[0].errors == ["row 2: number is empty"]
    assert "row 3: state 'FRANCE' is not an ISO 3166-1 alpha-2 code" in acts[1].errors


def test_provision_eids_are_stable_and_unique() -> None:
    taken: set[str] = set()
    eids = [
        provision_eid(n, taken) for n in ("Article 191", "Art. 191", "第一百九十一条", "§ 2(1)")
    ]
    assert eids == ["art_191", "art_191_2", "prov_3", "art_2"]


def test_unknown_tags_and_states_are_refused() -> None:
    act = LegalAct(state="FR", language="fr", title="Loi", provisions=[])
    with pytest.raises(KnowledgeImportError, match="Unknown state code 'XX'"):
        do_save_act(LegalAct(state="XX", language="fr", title="Loi"), source_name="t")
    bad = Provision(eid="art_1", number="1", implements=("nosuch:1",))
    with pytest.raises(KnowledgeImportError, match="Unknown instruments: nosuch"):
        do_save_act(LegalAct(**{**act.__dict__, "provisions": [bad]}), source_name="t")
    shape = Provision(eid="art_1", number="1", implements=("untoc art 5",))
    with pytest.raises(KnowledgeImportError, match="instrument:article"):
        do_save_act(LegalAct(**{**act.__dict__, "provisions": [shape]}), source_name="t")
    assert not KnowledgeDocument.objects.exists()


def judgment(**changes: Any) -> Judgment:
    fields: dict[str, Any] = {
        "state": "GB",
        "language": "en",
        "court": "Supreme Court of the United Kingdom",
        "title": "R v GH",
        "case_number": "[2015] UKSC 24",
        "parties": "R\nGH",
        "summary": "The property must already be criminal property.",
        "tags": ("money laundering",),
        "iccs": ("07041",),
        "implements": ("untoc:6",),
    }
    return Judgment(**(fields | changes))


def test_judgment_akn_export_reimports_to_the_same_document(tmp_path: Path) -> None:
    document, created = do_save_judgment(judgment(), source_name="t")
    assert created is True and document.symbol == "[2015] UKSC 24"
    exported = write(tmp_path, "gh.akn.xml", document.akn)
    document.delete()
    report = import_path(exported)
    [stored] = KnowledgeDocument.objects.all()
    assert report.created == ["gh.akn.xml"]
    assert (stored.court, stored.parties, stored.tags) == (
        "Supreme Court of the United Kingdom",
        "R\nGH",
        ["money laundering"],
    )
    assert stored.iccs_codes == ["07041"] and stored.implements == ["untoc:6"]
    assert import_path(exported).unchanged == ["gh.akn.xml"]


def test_act_akn_import_and_hostile_xml(tmp_path: Path) -> None:
    act, _created = do_save_act(
        LegalAct(
            state="EG",
            language="ar",
            title="قانون مكافحة غسل الأموال",
            number="القانون رقم 80 لسنة 2002",
            provisions=[Provision(eid="art_2", number="المادة 2", text="نص", iccs=("07041",))],
        ),
        source_name="t",
    )
    exported = write(tmp_path, "act.xml", act.akn)
    act.delete()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><akomaNtoso>&lol2;</akomaNtoso>'
    )
    write(tmp_path, "bomb.xml", bomb)
    report = import_path(exported.parent)
    assert report.created == ["act.xml"]
    [(name, reason)] = report.skipped
    assert name == "bomb.xml" and "DOCTYPE" in reason
    stored = KnowledgeDocument.objects.get()
    assert stored.state_id == "EG" and stored.provisions.get().number == "المادة 2"


def test_treaty_documents_link_unts_citations_both_ways(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        citing, _created = do_import_text(GA.read_text(encoding="utf-8"), source_name=GA.name)
        written = do_sync_treaty_documents()
    assert written == 6 * Instrument.objects.count()
    untoc = KnowledgeDocument.objects.get(instrument__code="untoc", language="zh")
    assert untoc.symbol == "UNTS 2225/39574" and untoc.title == "联合国打击跨国有组织犯罪公约"
    cited = citing.citations.filter(kind="treaty", target="UNTS 2225/39574")
    assert {c.resolved for c in cited} == {untoc}  # in the citing document's language
    assert do_sync_treaty_documents() == 0  # unchanged records change nothing
    arabic = get_backend().search("الجريمة المنظمة", filters={"kind": "treaty", "language": "ar"})
    ids = {hit.id for hit in arabic.hits}
    assert KnowledgeDocument.objects.get(instrument__code="untoc", language="ar").pk in ids
    # A treaty document counts under its own instrument (six languages).
    assert get_backend().search("", filters={"instrument": "untoc", "kind": "treaty"}).total == 6


def test_facets_count_legislation_by_state_iccs_and_instrument(
    tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    import_path(DEMO)
    with django_capture_on_commit_callbacks(execute=True):
        do_save_judgment(judgment(), source_name="t")
    drain_outbox()
    page = get_backend().search("", filters={"kind": "legislation"}, facets=True)
    assert page.total == 5
    assert dict(page.facets["state"]) == {"CN": 1, "EG": 1, "ES": 1, "FR": 1, "GB": 1}
    assert dict(page.facets["iccs"]) == {"07": 5}
    assert dict(page.facets["instrument"]) == {"uncac": 5, "untoc": 5}
    # A facet's own filter does not narrow its counts: every type stays choosable.
    assert dict(page.facets["kind"]) == {"legislation": 5, "case_law": 1}
    laundering = get_backend().search("blanchiment", filters={"state": "FR"}, facets=True)
    assert laundering.total == 1 and "<mark>blanchiment</mark>" in laundering.hits[0].snippet
    chinese = get_backend().search("洗钱", filters={"iccs": "07", "year": "1979"})
    assert chinese.total == 1
    with pytest.raises(ValueError, match="Unknown search filters: colour"):
        get_backend().search("x", filters={"colour": "red"})


def login(client: Client, user: Any) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def provision_rows(*rows: dict[str, str]) -> dict[str, str]:
    data = {
        "provisions-TOTAL_FORMS": str(len(rows)),
        "provisions-INITIAL_FORMS": "0",
        "provisions-MIN_NUM_FORMS": "0",
        "provisions-MAX_NUM_FORMS": "2000",
    }
    for n, row in enumerate(rows):
        data |= {f"provisions-{n}-{key}": value for key, value in row.items()}
    return data


def test_site_admin_adds_and_edits_an_act(client: Client, personas: Personas) -> None:
    login(client, personas.site_admin)
    form = {"state": "FR", "language": "fr", "title": "Code pénal", "date": "1992-07-22"}
    rows = provision_rows(
        {
            "number": "Article 324-1",
            "text": "Le blanchiment…",
            "iccs": "07041",
            "implements": "UNTOC:6",
        },
        {"number": "", "text": "ignored: no number"},
    )
    response = client.post(reverse("knowledge_act_create"), form | rows)
    document = KnowledgeDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "knowledge_document", args=[document.public_id]
    )
    assert [p.implements for p in document.provisions.all()] == [["untoc:6"]]
    page = client.get(response["Location"]).content.decode()
    assert "Article 324-1" in page and "ICCS 07041" in page
    # Editing: the title changes the work IRI; the same document is updated.
    edit = reverse("knowledge_act_edit", args=[document.public_id])
    assert "Article 324-1" in client.get(edit).content.decode()
    response = client.post(edit, form | {"title": "Code pénal (version)"} | rows)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Code pénal (version)"
    assert document.work_iri == "/akn/fr/act/1992-07-22/code-penal-version"
    assert KnowledgeDocument.objects.count() == 1
    # A bad tag: a clear problem, nothing changed.
    bad = provision_rows({"number": "Article 1", "iccs": "99999"})
    response = client.post(edit, form | bad)
    assert response.status_code == 200 and "Unknown ICCS codes: 99999" in response.content.decode()
    assert document.provisions.count() == 1
    # Deleting.
    client.post(reverse("knowledge_document_delete", args=[document.public_id]))
    assert not KnowledgeDocument.objects.exists()
    assert AuditEntry.objects.filter(action="knowledge.deleted").count() == 1


def test_site_admin_adds_case_law(client: Client, personas: Personas) -> None:
    login(client, personas.site_admin)
    data = {
        "state": "GB",
        "language": "en",
        "title": "R v GH",
        "court": "Supreme Court",
        "case_number": "[2015] UKSC 24",
        "date": "2015-04-22",
        "parties": "R\r\nGH",
        "summary": "Criminal property must exist first.",
        "tags": "money laundering, arrangements",
        "iccs": "07041",
        "implements": "untoc:6",
    }
    response = client.post(reverse("knowledge_judgment_create"), data)
    assert response.status_code == 302
    stored = KnowledgeDocument.objects.get()
    assert stored.kind == DocumentKind.CASE_LAW and stored.parties == "R\nGH"
    assert stored.tags == ["arrangements", "money laundering"]
    page = client.get(response["Location"]).content.decode()
    assert "Criminal property must exist first." in page and "Supreme Court" in page


def test_others_cannot_edit(client: Client, personas: Personas) -> None:
    document, _created = do_save_judgment(judgment(), source_name="t")
    for user in (personas.officer, personas.authority_admin):
        login(client, user)
        edit = reverse("knowledge_judgment_edit", args=[document.public_id])
        assert client.post(edit, {"title": "changed"}).status_code == 403
        delete = reverse("knowledge_document_delete", args=[document.public_id])
        assert client.post(delete).status_code == 403
    assert KnowledgeDocument.objects.get().title == "R v GH"
    login(client, personas.site_admin)
    # UN documents and treaties are not edited through these pages.
    un, _created = do_import_text(GA.read_text(encoding="utf-8"), source_name=GA.name)
    assert client.get(reverse("knowledge_act_edit", args=[un.public_id])).status_code == 404
    act_as_judgment = reverse("knowledge_act_edit", args=[document.public_id])
    assert client.get(act_as_judgment).status_code == 404


def test_import_page_reports_and_refuses_bad_uploads(
    client: Client, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(client, personas.site_admin)
    url = reverse("knowledge_import")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("provisions.csv", CSV)
        archive.writestr("broken.xml", "<akomaNtoso><act>")
    upload = SimpleUploadedFile("batch.zip", buffer.getvalue())
    page = client.post(url, {"file": upload}).content.decode()
    assert 'data-testid="import-report"' in page
    assert "broken.xml" in page and "act_date" in page
    assert KnowledgeDocument.objects.filter(kind=DocumentKind.LEGISLATION).count() == 2
    wrong = client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")}).content.decode()
    assert "Expected a .pdf, .docx, .txt, .xml, .csv or .zip file." in wrong
    corrupt = client.post(url, {"file": SimpleUploadedFile("x.zip", b"PK\x03\x04junk")})
    assert "not a readable zip archive" in corrupt.content.decode()
    monkeypatch.setattr(views, "UPLOAD_MAX_BYTES", 1024 * 1024)
    big = SimpleUploadedFile("big.csv", HEADER.encode() + b"x" * (1024 * 1024))
    assert "larger than 1 MB" in client.post(url, {"file": big}).content.decode()
    assert KnowledgeDocument.objects.count() == 2


def test_api_returns_provisions_and_facets(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        import_path(DEMO)
    body = client.get(
        "/api/v1/knowledge/search", {"q": "blanchiment", "state": "fr", "type": "legislation"}
    ).json()
    assert body["total"] == 1
    assert {"value": "FR", "label": "France", "count": 1} in body["facets"]["state"]
    document = client.get(f"/api/v1/knowledge/documents/{body['items'][0]['id']}").json()
    assert document["state"] == "FR" and document["kind"] == "legislation"
    [provision] = document["provisions"]
    assert provision["eid"] == "art_324_1" and provision["implements"] == ["untoc:6", "uncac:23"]
    browse = client.get("/api/v1/knowledge/search", {"iccs": "07", "year": "1979"}).json()
    assert [item["language"] for item in browse["items"]] == ["zh"]
    assert client.get("/api/v1/knowledge/search", {"iccs": "7"}).status_code == 422


def test_the_treaty_page_links_to_its_knowledge_document(client: Client) -> None:
    url = reverse("treaty_detail", args=["uncac"])
    assert 'data-testid="treaty-knowledge"' not in client.get(url).content.decode()
    do_sync_treaty_documents(Instrument.objects.filter(code="uncac"))
    english = KnowledgeDocument.objects.get(instrument__code="uncac", language="en")
    page = client.get(url).content.decode()
    assert reverse("knowledge_document", args=[english.public_id]) in page
    assert "UNTS 2349/42146" in page
