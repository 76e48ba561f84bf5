"""Preview of a draft before finalising, and the print view of a finalised version."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_update_case
from rogatory.drafting.actions import do_approve, do_finalise
from rogatory.drafting.models import RequestVersion
from rogatory.drafting.render.html import outline_html
from rogatory.drafting.render.outline import Approval, build_outline
from rogatory.drafting.tests.samples import complete_document
from rogatory.drafting.tests.test_versions import a_draft

pytestmark = pytest.mark.django_db

DRAFT_MARK_EN = "DRAFT – not approved; not to be sent"


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_outline_html_escapes_isolates_and_sets_the_direction() -> None:
    document = complete_document()
    document["summary_of_facts"] = "Paid <b>cash</b> & moved it."
    html = outline_html(build_outline(document), language="fr")
    assert "Paid &lt;b&gt;cash&lt;/b&gt; &amp; moved it." in html
    assert "<bdi>Paid &lt;b&gt;" in html
    assert 'dir="ltr"' in html and 'lang="fr"' in html
    assert 'data-testid="draft-mark"' in html
    document["language"] = "ar"
    approved = build_outline(
        document, Approval(name="Amina Haddad", day=datetime.date(2026, 12, 1))
    )
    html = outline_html(approved, language="ar")
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert 'data-testid="draft-mark"' not in html and 'data-testid="approval-line"' in html
    assert "Amina Haddad" in html


def test_preview_shows_the_draft_as_it_will_render_without_saving(
    client: Client, personas: Personas
) -> None:
    case = a_draft(personas, subject="Laundering <script>alert(1)</script>")
    client.force_login(personas.officer)
    preview = reverse("drafting_preview", args=[case.public_id])
    writer = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert preview in writer
    assert (
        preview
        in client.get(reverse("drafting_step", args=[case.public_id, "procedure"])).content.decode()
    )

    page = client.get(preview, {"language": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="request-document"' in html and DRAFT_MARK_EN in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Harambee Bank" in html  # the measure's details, as in the DOCX and PDF
    assert not RequestVersion.objects.exists()

    # Arabic: the document right to left, whatever the interface language.
    html = client.get(preview, {"language": "ar"}).content.decode()
    assert '<article class="request-document" lang="ar" dir="rtl"' in html
    # A language that is not one of the six falls back to an accepted one, never a 500.
    assert client.get(preview, {"language": "xx"}).status_code == 200


def test_who_may_preview(client: Client, personas: Personas) -> None:
    """Previewing is reading: the read-only supervisor may; an outsider gets 404."""
    case = a_draft(personas)
    preview = reverse("drafting_preview", args=[case.public_id])
    client.force_login(personas.supervisor)
    assert client.get(preview).status_code == 200
    client.force_login(personas.outsider)
    assert client.get(preview).status_code == 404


def test_print_view_of_a_version_draft_then_approved(client: Client, personas: Personas) -> None:
    case = a_draft(personas)
    do_update_case(case, {"confidentiality": "confidential"}, acting_user=personas.officer)
    version = do_finalise(case, language="en", acting_user=personas.officer)
    printed = reverse("drafting_print", args=[case.public_id, version.number])
    client.force_login(personas.officer)
    writer = client.get(reverse("drafting_writer", args=[case.public_id])).content.decode()
    assert printed in writer

    html = client.get(printed).content.decode()
    assert DRAFT_MARK_EN in html and 'data-testid="approval-line"' not in html
    assert 'data-testid="confidential-mark"' in html
    assert "data-print" in html  # the print button; the print stylesheet hides the menus

    do_approve(version, acting_user=personas.supervisor)
    html = client.get(printed).content.decode()
    assert DRAFT_MARK_EN not in html
    assert 'data-testid="approval-line"' in html
    full_name = personas.supervisor.get_full_name()
    assert full_name in html

    assert client.get(reverse("drafting_print", args=[case.public_id, 99])).status_code == 404
    client.force_login(personas.outsider)
    assert client.get(printed).status_code == 404
