"""Error pages speak the reader's language, keep the site's frame and lead somewhere."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import Client

from conftest import Personas

pytestmark = pytest.mark.django_db


def test_not_found_in_arabic_with_a_way_back(client: Client, personas: Personas) -> None:
    client.force_login(personas.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(f"/cases/{uuid.uuid4()}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'dir="rtl"' in page and 'data-testid="not-found"' in page
    assert "Page not found" not in page  # translated
    assert 'href="/"' in page and 'href="/cases/"' in page


def test_not_found_for_the_public(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'data-testid="not-found"' in response.content.decode()
    assert 'href="/cases/"' not in response.content.decode()
