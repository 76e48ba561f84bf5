"""Correcting a UN document's cover: number, issuing body, session, agenda item and its
title, adoption line, the cover's lines as printed (a resolution's distribution date among
them) and the closing lines; the Akoma Ntoso follows (decision 0040, "Later")."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.audit.models import AuditEntry
from rogatory.knowledge.actions import do_import_text
from rogatory.knowledge.akn import from_akn, to_akn, validate_bytes
from rogatory.knowledge.correcting import Cover, Metadata, cover_of, edits_of, restructure
from rogatory.knowledge.models import KnowledgeDocument
from rogatory.knowledge.tests.test_quality import GA, correction_post
from rogatory.knowledge.untext import parse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_folders(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def imported() -> KnowledgeDocument:
    document, _created = do_import_text(GA.read_text(encoding="utf-8"), source_name="ga.txt")
    return document


def test_restructure_takes_the_cover_given_and_keeps_the_parsed_one_otherwise() -> None:
    parsed = parse(GA.read_text(encoding="utf-8"))
    assert cover_of(parsed).agenda_item == "108" and cover_of(parsed).session == "第七十六届会议"
    plain = Metadata(
        symbol="A/RES/76/187", title="t", date=parsed.date, language="zh", kind="resolution"
    )
    kept = restructure(parsed, plain, edits_of(parsed))
    assert cover_of(kept) == cover_of(parsed)
    cover = Cover(
        number="76/188",
        body="General Assembly",
        session="第七十七届会议",
        agenda_item="",
        header=("第七十七届会议", "2022年1月10日"),
    )
    changed = restructure(parsed, Metadata(**(plain.__dict__ | {"cover": cover})), [])
    assert (changed.number, changed.session, changed.agenda_item) == (
        "76/188",
        "第七十七届会议",
        None,
    )
    assert changed.header == ("第七十七届会议", "2022年1月10日") and changed.closing == ()
    again = from_akn(to_akn(changed))
    assert (again.session, again.agenda_item, again.number) == ("第七十七届会议", None, "76/188")


def test_the_page_corrects_the_cover_and_the_akoma_ntoso_follows(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    document = imported()
    client.force_login(personas.site_admin)
    url = reverse("knowledge_un_correct", args=[document.public_id])
    page = client.get(url).content.decode()
    assert 'data-testid="cover-fields"' in page and "第七十六届会议" in page
    header = "\n".join([*from_akn(document.akn.encode()).header, "分发：普通", "2022年1月10日"])
    changes = {
        "session": " 第七十六届  会议 ",  # spaces folded: the same session
        "agenda_item": "108 (a)",
        "agenda_title": "预防犯罪和\n刑事司法问题",
        "adoption": "[未经发交主要委员会而通过]",
        "header": header,
        "closing": "2021年12月16日\n\n第54次全体会议",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, correction_post(document, **changes))
    assert response.status_code == 302
    document.refresh_from_db()
    validate_bytes(document.akn.encode())  # the export stays valid Akoma Ntoso
    stored = from_akn(document.akn.encode())
    assert stored.session == "第七十六届会议"
    assert stored.agenda_item == "108 (a)" and stored.agenda_title == "预防犯罪和刑事司法问题"
    assert stored.adoption == "[未经发交主要委员会而通过]"
    assert stored.header[-2:] == ("分发：普通", "2022年1月10日")
    assert stored.closing == ("2021年12月16日", "第54次全体会议")
    assert stored.date == datetime.date(2021, 12, 16)  # the adoption date, unchanged
    assert document.corrections[-1]["changed"] == [
        "agenda_item",
        "agenda_title",
        "adoption",
        "header",
        "closing",
    ]
    entry = AuditEntry.objects.filter(action="knowledge.corrected").latest("pk")
    assert "agenda_item" in entry.details["changed"]
    # The same page posted again changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, correction_post(document))
    document.refresh_from_db()
    assert len(document.corrections) == 1


def test_the_cover_is_checked_as_every_line_of_text(client: Client, personas: Personas) -> None:
    """A control character, a line too long or too many lines are refused with a message,
    never a 500, and nothing is written."""
    document = imported()
    client.force_login(personas.site_admin)
    url = reverse("knowledge_un_correct", args=[document.public_id])
    bad_inputs = [
        {"session": "第七十六届\x00会议"},
        {"agenda_title": "x" * 1001},
        {"header": "\n".join(f"line {n}" for n in range(61))},
        {"closing": "ok\nbad\x07line"},
        {"number": "7" * 101},
    ]
    for change in bad_inputs:
        response = client.post(url, correction_post(document, **change))
        assert response.status_code == 200, change
        assert 'class="error"' in response.content.decode() or "errorlist" in (
            response.content.decode()
        ), change
        document.refresh_from_db()
        assert document.corrections == [], change
