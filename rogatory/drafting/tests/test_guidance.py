"""Guidance for drafters: complete in six languages, sourced, and shown next to the fields."""

from __future__ import annotations

import re
import unicodedata

import pytest
from django import forms
from django.test import Client

from conftest import Personas
from rogatory.drafting import wizard
from rogatory.drafting.completeness import RULES_DIR
from rogatory.drafting.guidance import (
    LANGUAGES,
    GuidanceError,
    load_guidance,
    parse_guidance,
)
from rogatory.drafting.tests.test_wizard import a_draft, url

# The forms of the wizard's steps (the last step, "check", is the writer page).
STEP_FORMS: dict[str, type[forms.BaseForm]] = {
    "start": wizard.StartForm,
    "legal-basis": wizard.LegalBasisForm,
    "authority": wizard.AuthorityForm,
    "case": wizard.CaseStepForm,
    "facts": wizard.FactsForm,
    "procedure": wizard.ProcedureForm,
    **{slug: spec.form_class for slug, spec in wizard.ITEM_STEPS.items()},
}
# Guidance written ahead of a field another change adds (the offence's maximum penalty).
AHEAD = {"offences.penalty"}
# The script each language's text must be written in (a copied English text fails).
SCRIPTS = {"ar": "ARABIC", "zh": "CJK", "ru": "CYRILLIC"}


def test_every_step_and_field_has_guidance_in_six_languages() -> None:
    guidance = load_guidance()
    expected = set(wizard.SLUGS)
    for step, form_class in STEP_FORMS.items():
        expected |= {f"{step}.{name}" for name in form_class.base_fields}
    missing = expected - set(guidance.guides)
    assert not missing, f"no guidance for {sorted(missing)}"
    stale = set(guidance.guides) - expected - AHEAD
    assert not stale, f"guidance for no step or field: {sorted(stale)}"
    for guide in guidance.guides.values():
        assert set(guide.texts) == set(LANGUAGES)
        assert len(set(guide.texts.values())) == len(LANGUAGES), f"{guide.key}: copied text"
        for language, script in SCRIPTS.items():
            letters = [c for c in guide.texts[language] if c.isalpha()]
            share = sum(script in unicodedata.name(c, "") for c in letters) / len(letters)
            assert share > 0.6, f"{guide.key}: the {language} text is not in {script} script"


def test_every_guide_cites_a_source_that_exists() -> None:
    text = (RULES_DIR / "sources" / "request_content_sources.yaml").read_text(encoding="utf-8")
    known: set[str] = set()
    source = ""
    for line in text.splitlines():
        if match := re.match(r"\s+- id: (\S+)", line):
            source = match.group(1)
            known.add(source)
        elif match := re.match(r"\s+- \{id: (\w+),", line):
            known.add(f"{source}.{match.group(1)}")
    guidance = load_guidance()
    for guide in guidance.guides.values():
        assert guide.source.strip(), guide.key
        assert set(guide.elements) <= known, (guide.key, set(guide.elements) - known)
    # The contents of a request under art. 18(15) are each cited somewhere.
    cited = " ".join(g.source for g in guidance.guides.values())
    for letter in "abcdef":
        assert f"18(15)({letter})" in cited, letter
    assert "18(3)" in cited


def test_malformed_guidance_is_refused_with_its_key() -> None:
    texts = dict.fromkeys(LANGUAGES, "text")
    good = {"version": "1", "guide": [{"key": "facts", "source": "UNTOC", "text": texts}]}
    assert parse_guidance(good).get("facts") is not None
    without_french = {k: v for k, v in texts.items() if k != "fr"}
    no_french = {
        "version": "1",
        "guide": [{"key": "facts", "source": "UNTOC", "text": without_french}],
    }
    with pytest.raises(GuidanceError, match="facts: no text in fr"):
        parse_guidance(no_french)
    unsourced = {"version": "1", "guide": [{"key": "facts", "source": " ", "text": texts}]}
    with pytest.raises(GuidanceError, match="facts: no source"):
        parse_guidance(unsourced)


@pytest.mark.django_db
def test_a_step_shows_its_guidance_linked_to_the_fields(client: Client, personas: Personas) -> None:
    """The facts step: "How to write this", and the field described by its help."""
    case = a_draft(personas)
    client.force_login(personas.officer)
    page = client.get(url(case, "facts"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="step-guide"' in page and "How to write this" in page
    assert "fishing" not in page  # the facts step's own text, not the measures'
    assert re.search(r'<textarea[^>]*aria-describedby="guide-summary_of_facts"', page)
    assert 'id="guide-summary_of_facts"' in page
    assert "UNTOC art. 18(15)(c)" in page

    # In the interface language: French.
    page = client.get(url(case, "measures"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    french = load_guidance().get("measures.description")
    assert french is not None
    assert french.text("fr")[:40] in page
    assert re.search(r'<textarea[^>]*aria-describedby="guide-description"', page)
    assert "recherches exploratoires" in page

    # The legal basis's radio buttons are described too.
    page = client.get(url(case, "legal-basis")).content.decode()
    assert 'value="other" aria-describedby="guide-basis"' in page
    assert 'id="guide-basis"' in page
