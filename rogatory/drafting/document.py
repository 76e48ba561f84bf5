"""The request document: one JSON object per request (schema ``schemas/request-1.schema.json``).

Public functions:

* ``build_document(case, *, language, signatory=None, written_in=None, formalities=None,
  date=None) -> dict`` — the document of an outgoing case (any status from *draft* on), with
  its offences, persons, measures and documents (as annexes). ``language`` is the UN language
  of the fixed texts (``ar zh en fr ru es``; Django's ``zh-hans`` is accepted); ``written_in``
  (default: ``language``) the BCP 47 tag of the language the drafter wrote the free text in;
  ``formalities`` what the drafter declares about translation, legalisation and undertakings
  (``translation_attached`` defaults to whether the case has a document of kind translation).
* ``validate_document(data) -> list[str]`` — every problem, each as ``"<JSON path>: <message>"``
  (paths like ``measures/0/details/account``); empty when the document is valid.
* ``load_document(data) -> dict`` — a validated, normalised copy (keys in schema order, the
  measure-specific ``details`` completed with their defaults); raises ``DocumentError`` with the
  problems otherwise. ``load_document(json.loads(json.dumps(build_document(...))))`` equals the
  built document: importing the JSON and rebuilding gives the same document.
* ``MEASURE_DETAILS`` — the fields of ``details`` per measure kind, with their defaults.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from django.conf import settings
from django.utils import timezone, translation

from rogatory.cases.choices import Direction, DocumentKind, MeasureType
from rogatory.lib.penalties import Penalty, PenaltyRefused

if TYPE_CHECKING:
    from rogatory.cases.models import Case

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MEASURE_DETAILS",
    "SCHEMA_PATH",
    "UN_LANGUAGES",
    "DocumentError",
    "build_document",
    "load_document",
    "schema",
    "un_language",
    "validate_document",
]

FORMAT = "rogatory-request"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "request-1.schema.json"
# The six UN languages, as the document names them (primary BCP 47 subtags).
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
# Document language -> Django language code (settings.LANGUAGES).
DJANGO_LANGUAGES = {"ar": "ar", "zh": "zh-hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}

_BANK = {"institution": "", "account": "", "holder": "", "period_from": None, "period_to": None}
_WITNESS = {
    "witness": "",
    "questions": [],
    "oath": False,
    "presence_of_officials": False,
    "videoconference": False,
}
_SEARCH = {"premises": "", "items": ""}
_SERVICE = {"addressee": "", "documents": "", "address": ""}
_ASSETS = {"assets": "", "estimated_value": None, "currency": ""}
_ARREST = {
    "person": "",
    "warrant_reference": "",
    "warrant_date": None,
    "issuing_authority": "",
    "sentence": "",
}
# The fields of ``details`` per measure kind and their defaults (kept in step with the schema's
# ``details_*`` definitions; a test checks it). Other kinds carry free ``details``.
MEASURE_DETAILS: dict[str, dict[str, Any]] = {
    MeasureType.BANK_RECORDS: _BANK,
    MeasureType.TAKING_EVIDENCE: _WITNESS,
    MeasureType.VIDEOCONFERENCE: _WITNESS,
    MeasureType.SEARCH_AND_SEIZURE: _SEARCH,
    MeasureType.SERVICE_OF_DOCUMENTS: _SERVICE,
    MeasureType.FREEZING: _ASSETS,
    MeasureType.CONFISCATION: _ASSETS,
    MeasureType.PROVISIONAL_ARREST: _ARREST,
    MeasureType.SURRENDER: _ARREST,
}

_TOP: dict[str, Any] = {
    "format": FORMAT,
    "format_version": FORMAT_VERSION,
    "kind": "mla",
    "language": "en",
    "written_in": "en",
    "date": "",
    "reference": {"ours": "", "theirs": ""},
    "requesting": {"state": "", "state_name": "", "authority": "", "conducting_authority": ""},
    "requested": {"state": "", "state_name": "", "authority": ""},
    "legal_basis": None,
    "urgency": "normal",
    "confidentiality": "standard",
    "deadline": None,
    "subject": "",
    "summary_of_facts": "",
    "purpose": "",
    "procedure": "",
    "offences": [],
    "persons": [],
    "measures": [],
    "annexes": [],
    "formalities": {
        "translation_attached": False,
        "translation_certified": False,
        "legalised": False,
        "undertakings": "",
    },
    "signatory": {"name": "", "title": ""},
    "contact": {"name": "", "phone": "", "email": ""},
}
_LEGAL_BASIS = {"instrument": None, "title": "", "article": "", "note": "", "as_of": None}
_OFFENCE = {
    "national_name": "",
    "national_provision": "",
    "iccs": "",
    "iccs_title": "",
    # Optional since it was added (decision 0028): documents without it are still valid.
    "max_penalty": None,
}
_PERSON = {
    "role": "other",
    "name": "",
    "other_names": "",
    "is_legal_person": False,
    "date_of_birth": None,
    "place_of_birth": "",
    "nationality": "",
    "identity_document": "",
    "location": "",
}
_MEASURE = {"kind": "other", "description": "", "details": {}}
_ANNEX = {"title": "", "kind": "supporting"}


class DocumentError(ValueError):
    """The data is not a valid request document; ``problems`` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema (Draft 2020-12)."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def un_language(code: str) -> str:
    """The document's code for a UN language: ``zh-hans`` and ``zh-Hans`` -> ``zh``."""
    primary = code.split("-")[0].lower()
    if primary not in UN_LANGUAGES:
        raise ValueError(f"Not one of the six UN languages: {code!r}")
    return primary


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _details(kind: str, stored: Any) -> dict[str, Any]:
    """``details`` of a measure, limited to and completed with the fields of its kind."""
    stored = stored if isinstance(stored, Mapping) else {}
    defaults = MEASURE_DETAILS.get(kind)
    if defaults is None:
        return copy.deepcopy(dict(stored))
    return {name: copy.deepcopy(stored.get(name, default)) for name, default in defaults.items()}


def _authority_name(stored: str, entry: Any) -> str:
    """An authority's name in the request's (active) language: the directory entry's own
    translation when the case holds that entry's name in any language (copied from the
    directory in the language of whoever registered it), what was typed otherwise."""
    if entry is None:
        return stored
    names = {
        getattr(entry, f"name_{code.replace('-', '_')}", "") or ""
        for code, _name in settings.LANGUAGES
    }
    if not stored or stored in names:
        return str(entry.name) or stored
    return stored


def build_document(
    case: Case,
    *,
    language: str,
    signatory: Mapping[str, str] | None = None,
    contact: Mapping[str, str] | None = None,
    written_in: str | None = None,
    formalities: Mapping[str, Any] | None = None,
    date: datetime.date | None = None,
) -> dict[str, Any]:
    """The request document of an outgoing ``case``; see the module docstring."""
    if case.direction != Direction.OUTGOING:
        raise ValueError("Only outgoing requests are drafted.")
    lang = un_language(language)
    documents = list(case.documents.all())
    declared = {
        "translation_attached": any(d.kind == DocumentKind.TRANSLATION for d in documents),
        "translation_certified": False,
        "legalised": False,
        "undertakings": "",
    }
    declared.update(formalities or {})
    with translation.override(DJANGO_LANGUAGES[lang]):
        ours = case.requesting_authority or getattr(case.authority, "directory_entry", None)
        requesting_authority = (
            _authority_name(case.requesting_authority_name, ours) or case.authority.name
        )
        requested_authority = _authority_name(
            case.requested_authority_name, case.requested_authority
        )
        legal_basis: dict[str, Any] | None = None
        if case.legal_basis is not None or case.legal_basis_note:
            legal_basis = {
                "instrument": case.legal_basis.code if case.legal_basis else None,
                "title": case.legal_basis.title if case.legal_basis else "",
                "article": case.legal_basis_article,
                "note": case.legal_basis_note,
                "as_of": _iso(case.legal_basis_as_of),
            }
        document = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kind": case.kind,
            "language": lang,
            "written_in": written_in or lang,
            "date": (date or timezone.localdate()).isoformat(),
            "reference": {"ours": case.our_reference, "theirs": case.their_reference},
            "requesting": {
                "state": case.requesting_state_id,
                "state_name": case.requesting_state.name,
                "authority": requesting_authority,
                "conducting_authority": case.conducting_authority,
            },
            "requested": {
                "state": case.requested_state_id,
                "state_name": case.requested_state.name,
                "authority": requested_authority,
            },
            "legal_basis": legal_basis,
            "urgency": case.urgency,
            "confidentiality": case.confidentiality,
            "deadline": _iso(case.requested_deadline or case.deadline),
            "subject": case.subject,
            "summary_of_facts": case.summary_of_facts,
            "purpose": case.purpose,
            "procedure": case.procedure,
            "offences": [
                {
                    "national_name": o.national_name,
                    "national_provision": o.national_provision,
                    "iccs": o.iccs_id or "",
                    "iccs_title": o.iccs.title if o.iccs else "",
                    "max_penalty": o.max_penalty or None,
                }
                for o in case.offences.select_related("iccs")
            ],
            "persons": [
                {
                    "role": p.role,
                    "name": p.name,
                    "other_names": p.other_names,
                    "is_legal_person": p.is_legal_person,
                    "date_of_birth": _iso(p.date_of_birth),
                    "place_of_birth": p.place_of_birth,
                    "nationality": p.nationality_id or "",
                    "identity_document": p.identity_document,
                    "location": p.location,
                }
                for p in case.persons.all()
            ],
            "measures": [
                {
                    "kind": m.kind,
                    "description": m.description,
                    "details": _details(m.kind, m.details),
                }
                for m in case.measures.all()
            ],
            "annexes": [
                {"title": d.title, "kind": d.kind}
                for d in documents
                if d.kind != DocumentKind.REQUEST
            ],
            "formalities": declared,
            "signatory": {
                "name": (signatory or {}).get("name", ""),
                "title": (signatory or {}).get("title", ""),
            },
            "contact": {
                "name": (contact or {}).get("name", ""),
                "phone": (contact or {}).get("phone", ""),
                "email": (contact or {}).get("email", ""),
            },
        }
    return _normalise(document)


def _path(parts: Any) -> str:
    return "/".join(str(part) for part in parts)


def validate_document(data: Any) -> list[str]:
    """Every problem with ``data`` as a request document, ``"<path>: <message>"``; see above."""
    validator = jsonschema.Draft202012Validator(
        schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        where = _path(error.absolute_path)
        problems.append(f"{where}: {error.message}" if where else error.message)
    if not problems:
        problems = _penalty_problems(data)
    return problems


def _penalty_problems(data: Mapping[str, Any]) -> list[str]:
    """What the schema cannot say about each offence's penalty (a term needs its unit…)."""
    problems = []
    for n, offence in enumerate(data.get("offences") or []):
        if offence.get("max_penalty") is None:
            continue
        try:
            Penalty.from_dict(offence["max_penalty"])
        except PenaltyRefused as refused:
            for key, message in refused.problems:
                problems.append(
                    f"{_path(['offences', n, 'max_penalty', *([key] if key else [])])}: {message}"
                )
    return problems


def _complete(defaults: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: copy.deepcopy(data.get(name, default)) for name, default in defaults.items()}


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    document = _complete(_TOP, data)
    for name in ("reference", "requesting", "requested", "formalities", "signatory", "contact"):
        document[name] = _complete(_TOP[name], document[name])
    if document["legal_basis"] is not None:
        document["legal_basis"] = _complete(_LEGAL_BASIS, document["legal_basis"])
    document["offences"] = [_offence(o) for o in document["offences"]]
    document["persons"] = [_complete(_PERSON, p) for p in document["persons"]]
    measures = []
    for measure in document["measures"]:
        measure = _complete(_MEASURE, measure)
        measure["details"] = _details(measure["kind"], measure["details"])
        measures.append(measure)
    document["measures"] = measures
    document["annexes"] = [_complete(_ANNEX, a) for a in document["annexes"]]
    return document


def _offence(data: Mapping[str, Any]) -> dict[str, Any]:
    offence = _complete(_OFFENCE, data)
    try:
        penalty = Penalty.from_dict(offence["max_penalty"]) if offence["max_penalty"] else None
    except PenaltyRefused:
        return offence  # validate_document names the problem
    offence["max_penalty"] = penalty.to_dict() if penalty else None
    return offence


def load_document(data: Any) -> dict[str, Any]:
    """A validated, normalised copy of ``data``; ``DocumentError`` when it is not valid."""
    problems = validate_document(data)
    if problems:
        raise DocumentError(problems)
    return _normalise(data)


def normalise_document(data: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised copy of a document that ``validate_document`` has just accepted (the
    caller validated it as part of something larger): its optional parts filled in."""
    return _normalise(data)
