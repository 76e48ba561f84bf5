"""A state's declarations on its directory entry, each with its source, beside the profile."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.directory.models import AcceptedLanguage, CountryProfile


def test_declarations_beside_the_profile_and_both_languages_when_they_differ(
    client: Client, personas: Personas
) -> None:
    profile = CountryProfile.objects.create(state_id="SV")
    AcceptedLanguage.objects.create(profile=profile, language_id="en")  # every request
    client.force_login(personas.officer)
    html = client.get(reverse("profile_detail", args=["SV"])).content.decode()
    assert 'data-testid="directory-declarations"' in html
    # El Salvador's UNCAC declarations (S1-D), verbatim, each with its source.
    assert 'data-testid="declaration-uncac-extradition_basis_no"' in html
    assert "does not regard the above-mentioned Convention as the legal basis" in html
    assert "source S1-D" in html
    # The declaration names Spanish, the profile English: both are shown.
    assert 'data-testid="languages-differ"' in html
    text = " ".join(html.split())
    assert "The declaration names Spanish; this state" in text
    assert "profile lists English." in text
    # The full 2014 text, in a disclosure.
    assert 'data-testid="declaration-text-uncac"' in html


def test_same_languages_show_no_difference(client: Client, personas: Personas) -> None:
    profile = CountryProfile.objects.create(state_id="SV")
    AcceptedLanguage.objects.create(profile=profile, language_id="es")
    client.force_login(personas.officer)
    html = client.get(reverse("profile_detail", args=["SV"])).content.decode()
    assert 'data-testid="declaration-uncac-languages"' in html
    assert 'data-testid="languages-differ"' not in html


def test_a_state_without_declarations_has_no_panel(client: Client, personas: Personas) -> None:
    client.force_login(personas.officer)
    html = client.get(reverse("profile_detail", args=["TV"])).content.decode()
    assert 'data-testid="directory-declarations"' not in html
