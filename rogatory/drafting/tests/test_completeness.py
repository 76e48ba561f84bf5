"""The completeness rules: every rule, loaded from the data files, is exercised generically."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import Personas
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction
from rogatory.cases.models import Case
from rogatory.directory.models import AcceptedLanguage, CountryProfile, MeasureRequirement
from rogatory.drafting.completeness import (
    RULES_DIR,
    Finding,
    ProfileContext,
    Requirement,
    Rule,
    RuleError,
    _item_applies,
    can_finalise,
    check_case,
    check_document,
    load_rules,
    rules,
)
from rogatory.drafting.document import MEASURE_DETAILS, UN_LANGUAGES, schema

from .samples import DEMANDING_PROFILE, complete_document

ALL_RULES = rules()
# Rules that check a value given rather than one missing (test_penalty_rules.py tests them).
MISSING_RULES = [rule for rule in ALL_RULES if rule.penalty_below is None]


def _ids(findings: list[Finding]) -> set[str]:
    return {f.rule_id for f in findings}


def _item_index(rule: Rule, document: dict[str, Any]) -> int | None:
    """The first item of the complete document the rule examines (None: document-level)."""
    each = rule.applies_to.each
    if each is None:
        return None
    for index, item in enumerate(document[each]):
        if not _item_applies(rule, item):
            continue
        if each == "measures":
            if rule.applies_to.measures and item["kind"] not in rule.applies_to.measures:
                continue
            if item["kind"] in rule.applies_to.except_measures:
                continue
        return index
    raise AssertionError(f"the complete document has no item for {rule.id}: extend samples.py")


def _blank(document: dict[str, Any], pointer: str) -> None:
    *parents, last = pointer.split("/")
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    value = node[last]
    node[last] = {str: "", list: [], dict: {}, bool: False}.get(type(value))


def test_there_are_rules_of_every_family() -> None:
    families = {rule.id.split(".")[0] for rule in ALL_RULES}
    assert families == {"untoc", "practice", "penalty", "measure", "profile"}
    assert len(ALL_RULES) >= 30


def test_the_complete_document_passes_every_rule() -> None:
    assert check_document(complete_document(), DEMANDING_PROFILE) == []


@pytest.mark.parametrize("rule", MISSING_RULES, ids=lambda r: r.id)
def test_each_rule_fires_when_its_field_is_missing(rule: Rule) -> None:
    document = complete_document()
    index = _item_index(rule, document)
    pointers = [rule.pointer(p).replace("*", str(index)) for p in rule.paths]
    # require_any fires only when none is given; require when any one is missing.
    groups = [pointers] if rule.require_any else [[p] for p in pointers]
    for group in groups:
        changed = complete_document()
        for pointer in group:
            _blank(changed, pointer)
        findings = [f for f in check_document(changed, DEMANDING_PROFILE) if f.rule_id == rule.id]
        assert len(findings) == 1, (rule.id, group)
        finding = findings[0]
        assert finding.severity == rule.severity
        # The pointer to the field to fix: the missing one, or the rule's own for require_any.
        expected = rule.field.replace("*", str(index)) if rule.require_any else group[0]
        assert finding.field == expected
        assert can_finalise(findings) == (rule.severity == "warning")
        for lang in UN_LANGUAGES:
            text = finding.message(lang)
            assert text.strip() and "{" not in text


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_each_rule_stays_silent_when_its_field_is_present(rule: Rule) -> None:
    document = complete_document()
    assert rule.id not in _ids(check_document(document, DEMANDING_PROFILE))


def _schema_nodes(node: dict[str, Any], part: str) -> list[dict[str, Any]]:
    """The schema nodes of child ``part`` of ``node`` (following $ref, anyOf, allOf/then)."""
    defs = schema()["$defs"]
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    found: list[dict[str, Any]] = []
    if part == "*" and "items" in node:
        found.append(node["items"])
    if part in node.get("properties", {}):
        child = node["properties"][part]
        if part == "details":  # the kinds' own definitions
            found += [defs[name] for name in defs if name.startswith("details_")]
        found.append(child)
    for branch in node.get("anyOf", []) + [b.get("then", {}) for b in node.get("allOf", [])]:
        found += _schema_nodes(branch, part)
    return found


def _resolves(pointer: str) -> bool:
    nodes = [schema()]
    for part in pointer.split("/"):
        nodes = [child for node in nodes for child in _schema_nodes(node, part)]
    return bool(nodes)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_each_rule_has_six_messages_a_source_and_a_field_in_the_schema(rule: Rule) -> None:
    assert set(rule.messages) == set(UN_LANGUAGES)
    assert all(text.strip() for text in rule.messages.values())
    # Translated, not copied: the non-Latin languages are written in their own script.
    assert re.search("[\u0600-\u06ff]", rule.messages["ar"])
    assert re.search("[\u4e00-\u9fff]", rule.messages["zh"])
    assert re.search("[\u0400-\u04ff]", rule.messages["ru"])
    assert rule.source.strip()
    assert _resolves(rule.field), rule.field
    for path in rule.paths:
        assert _resolves(rule.pointer(path)), path
    assert not _resolves("no_such/field")


def test_rules_cite_elements_that_exist_in_the_sources_file() -> None:
    text = (RULES_DIR / "sources" / "request_content_sources.yaml").read_text(encoding="utf-8")
    elements: set[str] = set()
    source = ""
    for line in text.splitlines():
        if match := re.match(r"\s+- id: (\S+)", line):
            source = match.group(1)
            elements.add(source)
        elif match := re.match(r"\s+- \{id: (\w+),", line):
            elements.add(f"{source}.{match.group(1)}")
    cited = {element for rule in ALL_RULES for element in rule.elements}
    assert cited, "rules should cite the sources file"
    assert cited <= elements, cited - elements


RULE = """
[[rule]]
id = "test.rule"
source = "test"
severity = "error"
field = "purpose"
require = "purpose"
{extra}
[rule.message]
ar = "أ"
zh = "中"
en = "e"
fr = "f"
ru = "р"
es = "s"
{more}
"""


@pytest.mark.parametrize(
    ("extra", "more", "error"),
    [
        ("", "", None),
        ('requires = "subject"', "", "unknown key requires"),
        ('applies_to = { eech = "measures" }', "", "unknown key in applies_to: eech"),
        ('applies_to = { profile = "sunny" }', "", "unknown profile predicate"),
        ('applies_to = { measures = ["teleportation"] }', "", "unknown measures: teleportation"),
        ("", 'de = "d"', "unknown: de"),
        ('require_any = ["subject"]', "", "exactly one of"),
    ],
)
def test_rule_files_are_checked_when_loaded(
    tmp_path: Path, extra: str, more: str, error: str | None
) -> None:
    (tmp_path / "rules.toml").write_text(RULE.format(extra=extra, more=more), encoding="utf-8")
    if error is None:
        assert [r.id for r in load_rules(tmp_path)] == ["test.rule"]
    else:
        with pytest.raises(RuleError, match=re.escape(error)) as raised:
            load_rules(tmp_path)
        assert "rules.toml" in str(raised.value) and "test.rule" in str(raised.value)


def test_kinds_and_when_conditions(tmp_path: Path) -> None:
    extra = 'applies_to = { kinds = ["extradition"], when = { confidentiality = ["strict"] } }'
    (tmp_path / "r.toml").write_text(RULE.format(extra=extra, more=""), encoding="utf-8")
    rule_set = load_rules(tmp_path)
    document = complete_document()
    document["purpose"] = ""
    assert check_document(document, rule_set=rule_set) == []
    document["kind"] = "extradition"
    assert check_document(document, rule_set=rule_set) == []
    document["confidentiality"] = "strict"
    assert _ids(check_document(document, rule_set=rule_set)) == {"test.rule"}


def test_rule_file_errors_name_missing_messages_and_bad_pointers(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(RULE.format(extra="", more="").replace('zh = "中"\n', ""), encoding="utf-8")
    with pytest.raises(RuleError, match="missing or empty: zh"):
        load_rules(tmp_path)
    path.write_text(
        RULE.format(extra="", more="").replace('field = "purpose"', 'field = "purpos"'),
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="not one of the paths"):
        load_rules(tmp_path)
    path.write_text(RULE.format(extra="", more="").replace('es = "s"', 'es = "{x}"'))
    with pytest.raises(RuleError, match="unknown placeholder"):
        load_rules(tmp_path)
    (tmp_path / "twice.toml").write_text(RULE.format(extra="", more=""), encoding="utf-8")
    path.write_text(RULE.format(extra="", more=""), encoding="utf-8")
    with pytest.raises(RuleError, match="used twice"):
        load_rules(tmp_path)


def test_measures_without_their_own_fields_need_a_description() -> None:
    (rule,) = [r for r in ALL_RULES if r.id == "untoc.measure_description"]
    assert set(rule.applies_to.except_measures) == set(MEASURE_DETAILS)


def test_facts_are_not_needed_to_serve_documents_only() -> None:
    document = complete_document()
    document["summary_of_facts"] = ""
    assert "untoc.facts" in _ids(check_document(document))
    document["measures"] = [m for m in document["measures"] if m["kind"] == "service_of_documents"]
    assert "untoc.facts" not in _ids(check_document(document))


def test_profile_rules_stay_silent_without_a_profile() -> None:
    document = complete_document()
    document["formalities"] = {
        "translation_attached": False,
        "translation_certified": False,
        "legalised": False,
        "undertakings": "",
    }
    document["offences"][0]["iccs"] = ""
    assert check_document(document, ProfileContext()) == []
    ids = _ids(check_document(document, DEMANDING_PROFILE))
    assert ids == {
        "profile.translation_needed",
        "profile.certified_translation",
        "profile.legalisation",
        "profile.undertakings",
        "profile.dual_criminality_iccs",
    }


def test_translation_message_says_plainly_which_languages() -> None:
    document = complete_document()
    document["formalities"]["translation_attached"] = False
    (finding,) = [
        f
        for f in check_document(document, DEMANDING_PROFILE)
        if f.rule_id == "profile.translation_needed"
    ]
    assert finding.is_error
    assert "(English); it accepts: French." in finding.message("en")
    assert "(anglais) ; il accepte : français." in finding.message("fr")
    assert "英语" in finding.message("zh-hans") and "法语" in finding.message("zh-hans")
    assert finding.message("xx") == finding.message("en")
    # Written in an accepted language: no translation is needed.
    document["written_in"] = "fr"
    assert "profile.translation_needed" not in _ids(check_document(document, DEMANDING_PROFILE))


def test_profile_requirements_count_only_for_the_measures_sought() -> None:
    document = complete_document()
    document["measures"] = [m for m in document["measures"] if m["kind"] != "bank_records"]
    document["formalities"]["legalised"] = False
    document["formalities"]["undertakings"] = ""
    assert check_document(document, DEMANDING_PROFILE) == []


def test_coercive_only_dual_criminality() -> None:
    document = complete_document()
    document["offences"][0]["iccs"] = ""
    witness = ProfileContext(
        requirements=(Requirement("witness_testimony", dual_criminality="coercive_only"),)
    )
    search = ProfileContext(
        requirements=(Requirement("search_and_seizure", dual_criminality="coercive_only"),)
    )
    assert check_document(document, witness) == []
    assert _ids(check_document(document, search)) == {"profile.dual_criminality_iccs"}


def test_urgent_requests_ask_for_a_deadline() -> None:
    document = complete_document()
    document["deadline"] = None
    assert _ids(check_document(document)) == {"untoc.urgent_deadline"}
    document["urgency"] = "normal"
    assert check_document(document) == []


# --- from the database ----------------------------------------------------------------------


def _french_only_kenya() -> None:
    profile = CountryProfile.objects.create(state_id="KE")
    AcceptedLanguage.objects.create(profile=profile, language_id="fr")
    MeasureRequirement.objects.create(
        profile=profile, measure="bank_records", dual_criminality="in_abstracto"
    )


def _draft(personas: Personas, **fields: Any) -> Case:
    return do_register_case(
        personas.authority_a,
        direction=Direction.OUTGOING,
        acting_user=personas.officer,
        fields={"kind": "mla", "requested_state_id": "KE", "subject": "Bribery"} | fields,
        measures=[{"kind": "bank_records", "description": ""}],
    )


def test_check_case_blocks_finalising_until_facts_and_purpose_are_given(
    personas: Personas,
) -> None:
    _french_only_kenya()
    case = _draft(personas)
    findings = check_case(case, "fr")
    errors = {f.rule_id for f in findings if f.is_error}
    assert {"untoc.facts", "untoc.purpose", "measure.bank_account"} <= errors
    assert not can_finalise(findings)
    fields = {f.field for f in findings}
    assert {"summary_of_facts", "purpose", "measures/0/details/institution"} <= fields

    case.summary_of_facts = "Payments through shell companies."
    case.purpose = "Evidence for the trial."
    case.conducting_authority = "Parquet national financier"
    case.save()
    case.measures.update(details={"institution": "Example Bank", "account": "123"})
    findings = check_case(case, "fr")
    assert can_finalise(findings), [f.rule_id for f in findings if f.is_error]
    # Written in English for a state that accepts French only: a translation is needed.
    findings = check_case(case, "fr", written_in="en")
    assert "profile.translation_needed" in {f.rule_id for f in findings if f.is_error}
    # Fixed texts in English: not accepted either.
    assert "profile.language" in _ids(check_case(case, "en"))


def test_a_legal_person_is_not_asked_for_a_date_of_birth() -> None:
    """A company is identified by its registration number or seat, a person by birth or ID."""
    from rogatory.drafting.completeness import check_document

    def person(**fields: object) -> dict[str, object]:
        return {
            "name": "X",
            "is_legal_person": False,
            "date_of_birth": None,
            "place_of_birth": "",
            "identity_document": "",
            "location": "",
        } | fields

    def rules_for(people: list[dict[str, object]]) -> set[str]:
        return {f.rule_id for f in check_document({"kind": "mla", "persons": people})}

    assert "untoc.person_identity" in rules_for([person()])
    assert "untoc.legal_person_identity" not in rules_for([person()])
    company = person(is_legal_person=True)
    assert "untoc.person_identity" not in rules_for([company])
    assert "untoc.legal_person_identity" in rules_for([company])
    assert "untoc.legal_person_identity" not in rules_for(
        [person(is_legal_person=True, location="Nairobi")]
    )
