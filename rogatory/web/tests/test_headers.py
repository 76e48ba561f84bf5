"""Security headers: CSP and Permissions-Policy everywhere, no-store on casework (decision 0022)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import Personas
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction
from rogatory.web.middleware import (
    CONTENT_SECURITY_POLICY,
    PERMISSIONS_POLICY,
    SecurityHeadersMiddleware,
)

ROOT = Path(settings.BASE_DIR) / "rogatory"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def test_the_policy_allows_no_inline_script_style_or_eval() -> None:
    """Scripts and styles come from our origin only; nothing inline, no eval, no plugins."""
    policy = _directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_public_pages_carry_the_headers_and_stay_cacheable(client: Client) -> None:
    """An anonymous visitor's public page has the CSP and Permissions-Policy, not no-store."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "no-store" not in response.get("Cache-Control", "")
    # htmx configured to work under the policy (no inline indicator style, no eval)
    assert b'name="htmx-config"' in response.content
    assert b'"includeIndicatorStyles": false' in response.content


@pytest.mark.django_db
def test_pages_of_a_signed_in_user_are_not_stored(client: Client, personas: Personas) -> None:
    """Case list, case page and dashboard of an officer: Cache-Control: no-store, with CSP."""
    case = do_register_case(
        personas.authority_a,
        direction=Direction.INCOMING,
        fields={
            "kind": "mla",
            "subject": "Laundering of the proceeds of a bribery scheme",
            "requesting_state_id": "KE",
            "requesting_authority_name": "Office of the Director of Public Prosecutions",
        },
        acting_user=personas.officer,
    )
    client.force_login(personas.officer)
    for url in (reverse("case_list"), case.get_absolute_url(), reverse("home")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url


@pytest.mark.django_db
def test_api_answers_are_not_stored_even_refusals(client: Client) -> None:
    """The API's answers, a 401 included, are never stored."""
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_answers_of_earlier_middleware_carry_the_headers(personas: Personas) -> None:
    """A request refused before any view (CSRF) still gets the headers."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["Cache-Control"] == "no-store"


def test_a_stricter_policy_set_by_the_view_is_kept() -> None:
    """Downloads keep their own policy (default-src 'none'; sandbox); caching is overridden."""

    def download(request: object) -> HttpResponse:
        response = HttpResponse(b"%PDF-")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "max-age=3600"
        return response

    request = RequestFactory().get("/cases/x/documents/y/", HTTP_AUTHORIZATION="Bearer t")
    response = SecurityHeadersMiddleware(download)(request)
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "no-store"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HTMX_EVAL = re.compile(r"\s(?:data-)?hx-(?:on\b|on:|vars=)|[\"']js:|javascript:", re.IGNORECASE)


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("inline <script>", INLINE_SCRIPT),
        ("on* handler attribute", HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("evaluated htmx attribute or javascript: URL", HTMX_EVAL),
    ],
)
def test_no_template_needs_what_the_policy_forbids(name: str, pattern: re.Pattern[str]) -> None:
    """Behaviour hangs off data-* attributes in static JS: no template holds inline code."""
    offenders = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(ROOT.rglob("*.html"))
        for text in [path.read_text(encoding="utf-8")]
        for match in pattern.finditer(text)
    ]
    assert not offenders, f"{name} in {offenders}"
