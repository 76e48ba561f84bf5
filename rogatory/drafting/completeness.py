"""The completeness engine: rules kept as data in ``rules/*.toml``, one small generic evaluator.

A rule (one ``[[rule]]`` table) has:

* ``id`` — unique, dotted (``untoc.facts``); ``source`` — the provision in words (``"UNTOC art.
  18(15)(c); UNCAC art. 46(15)(c)"``); ``elements`` — ids of ``rules/sources/
  request_content_sources.yaml`` as ``"<source>.<element>"`` (optional);
* ``severity`` — ``"error"`` (blocks finalising) or ``"warning"`` (informs);
* ``field`` — the pointer to the field to fix, ``/``-separated, ``*`` standing for the item's
  index in rules applied to each item (``measures/*/details/account``); findings carry it with
  the index filled in (``measures/0/details/account``);
* ``applies_to`` (optional) — ``kinds`` (cooperation kinds), ``each`` (``"measures"``,
  ``"persons"`` or ``"offences"``: checked once per item, paths relative to the item),
  ``measures`` / ``except_measures`` (measure kinds: with ``each = "measures"`` filters the
  items, otherwise the document must contain one of them), ``unless_all_measures`` (skipped when
  every measure is of these kinds), ``profile`` (a named predicate on the requested state's
  profile, see ``PROFILE_PREDICATES``) and ``when`` (``{path = [values]}``; a path starting with
  ``./`` is read on each item of ``each``, booleans as "true"/"false");
* one check: ``require`` (a path or list of paths, each must be filled), ``require_any`` (at least
  one filled) or ``require_in_details`` (fields of a measure's ``details``); with ``require``,
  ``allowed_from = "accepted_languages"`` also requires the value to be one the profile accepts;
* or ``penalty_below`` (months, with ``applies_to.each = "offences"``): the offence's
  ``max_penalty`` is known and allows less than that deprivation of liberty
  (``lib.penalties.Penalty.at_least``; life imprisonment and death are never below, an
  ``other`` penalty cannot be told and stays silent) — decision 0028;
* ``message`` — ``ar zh en fr ru es``, each non-empty; placeholders ``{written_in}``,
  ``{accepted}`` (language names in the message's language), ``{undertakings}`` (the
  profile's text) and ``{n}`` (the item's number) are filled in.

"Filled" means not null, not blank, not an empty list or object and not ``false``.

Public functions and classes:

* ``rules() -> tuple[Rule, ...]`` — the rules of ``rules/*.toml`` (cached); ``load_rules(dir)``
  loads another directory and raises ``RuleError`` naming the file and rule for an unknown key,
  a missing message, a bad pointer, etc.
* ``ProfileContext`` / ``Requirement`` — what the requested state's profile requires (accepted
  languages for the legal basis; per measure kind translation, legalisation, undertakings,
  dual criminality); ``profile_context(case)`` reads it from the directory.
* ``check_document(document, profile_context=None, *, rule_set=None) -> list[Finding]`` — the
  findings for a request document (``document.py``) under ``rules()`` or ``rule_set``;
  ``check_case(case, language, **options)`` builds the
  document of ``case`` (options go to ``build_document``) and checks it against the profile.
* ``Finding`` — ``rule_id`` (alias ``rule``), ``severity``, ``field``, ``source``,
  ``message(lang)``.
* ``can_finalise(findings) -> bool`` — no finding is an error.
"""

from __future__ import annotations

import dataclasses
import string
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale

from rogatory.cases.choices import CooperationKind, MeasureType
from rogatory.lib.penalties import penalty_or_none

from .document import UN_LANGUAGES, build_document, un_language

if TYPE_CHECKING:
    from rogatory.cases.models import Case

__all__ = [
    "PROFILE_PREDICATES",
    "RULES_DIR",
    "Finding",
    "ProfileContext",
    "Requirement",
    "Rule",
    "RuleError",
    "can_finalise",
    "check_case",
    "check_document",
    "load_rules",
    "profile_context",
    "rules",
]

RULES_DIR = Path(__file__).resolve().parent / "rules"
ERROR = "error"
WARNING = "warning"
EACH = ("measures", "persons", "offences")
PLACEHOLDERS = frozenset({"written_in", "accepted", "undertakings", "n"})
RULE_KEYS = frozenset(
    {
        "id",
        "source",
        "elements",
        "severity",
        "field",
        "applies_to",
        "require",
        "require_any",
        "require_in_details",
        "allowed_from",
        "penalty_below",
        "message",
    }
)
APPLIES_KEYS = frozenset(
    {"kinds", "each", "measures", "except_measures", "unless_all_measures", "profile", "when"}
)
CHECK_KEYS = ("require", "require_any", "require_in_details", "penalty_below")
ALLOWED_FROM = frozenset({"accepted_languages"})

# Measure sought (cases) -> kind of measure a directory profile describes.
PROFILE_MEASURE = {
    MeasureType.TAKING_EVIDENCE: "witness_testimony",
    MeasureType.VIDEOCONFERENCE: "videoconference",
    MeasureType.SERVICE_OF_DOCUMENTS: "service_of_documents",
    MeasureType.SEARCH_AND_SEIZURE: "search_and_seizure",
    MeasureType.BANK_RECORDS: "bank_records",
    MeasureType.EXAMINATION: "examination",
    MeasureType.INFORMATION_AND_EXPERTISE: "expert_evidence",
    MeasureType.TEMPORARY_TRANSFER: "temporary_transfer",
    MeasureType.FREEZING: "freezing",
    MeasureType.CONFISCATION: "confiscation",
    MeasureType.PROVISIONAL_ARREST: "provisional_arrest",
    MeasureType.SURRENDER: "extradition",
    MeasureType.TRANSFER_OF_SENTENCED_PERSON: "transfer_sentenced",
}
# Directory measure kinds that are coercive (for a "coercive measures only" dual criminality).
COERCIVE = frozenset(
    {"search_and_seizure", "freezing", "confiscation", "provisional_arrest", "extradition"}
)


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Requirement:
    """What the requested state requires for one kind of measure (directory MeasureRequirement)."""

    measure: str
    certified_translation: bool = False
    legalisation: bool = False
    undertakings: str = ""
    dual_criminality: str = ""


@dataclass(frozen=True)
class ProfileContext:
    """The requested state's profile as the rules see it.

    ``accepted_languages`` are primary language subtags accepted for the request's legal basis
    (``None``: the profile does not say, and the language rules stay silent).
    """

    accepted_languages: tuple[str, ...] | None = None
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class AppliesTo:
    kinds: tuple[str, ...] = ()
    each: str | None = None
    measures: tuple[str, ...] = ()
    except_measures: tuple[str, ...] = ()
    unless_all_measures: tuple[str, ...] = ()
    profile: str | None = None
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    source: str
    severity: str
    field: str
    messages: Mapping[str, str]
    applies_to: AppliesTo = AppliesTo()
    require: tuple[str, ...] = ()
    require_any: tuple[str, ...] = ()
    allowed_from: str | None = None
    penalty_below: int | None = None
    elements: tuple[str, ...] = ()
    file: str = ""

    @property
    def paths(self) -> tuple[str, ...]:
        """The paths the rule checks, relative to the item for rules applied to each item."""
        return self.require or self.require_any

    def pointer(self, path: str) -> str:
        """The full pointer of a checked ``path``, ``*`` for the item's index."""
        return f"{self.applies_to.each}/*/{path}" if self.applies_to.each else path


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    field: str
    source: str
    messages: Mapping[str, str] = dataclasses.field(repr=False)
    params: Mapping[str, str] = dataclasses.field(default_factory=dict, repr=False)

    @property
    def rule(self) -> str:
        """The rule's id (alias of ``rule_id``)."""
        return self.rule_id

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (a UN language, e.g. ``fr`` or ``zh-hans``; else English)."""
        try:
            code = un_language(lang)
        except ValueError:
            code = "en"
        params = dict(self.params)
        for name in ("written_in", "accepted"):
            if params.get(name):
                params[name] = _language_names(params[name].split(","), code)
        return self.messages[code].format_map(params)


# Babel locale per UN language, and how each writes a list.
_BABEL = {"ar": "ar", "zh": "zh_Hans", "en": "en", "fr": "fr", "ru": "ru", "es": "es"}
_SEPARATOR = {"ar": "، ", "zh": "、"}


def _language_names(codes: list[str], lang: str) -> str:
    """Language codes named in ``lang`` ("fr" -> "français"), the code when Babel has no name."""
    locale = Locale.parse(_BABEL[lang])
    names = [
        locale.languages.get(c.replace("-", "_")) or locale.languages.get(_primary(c)) or c
        for c in codes
    ]
    return _SEPARATOR.get(lang, ", ").join(names)


def can_finalise(findings: Iterable[Finding]) -> bool:
    """True when no finding is an error."""
    return not any(f.is_error for f in findings)


# --- loading ------------------------------------------------------------------------------


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {name} must be a string or a non-empty list of strings")
    return tuple(value)


def _choices(value: Any, where: str, name: str, allowed: Iterable[str]) -> tuple[str, ...]:
    values = _strings(value, where, name)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise RuleError(f"{where}: unknown {name}: {', '.join(unknown)}")
    return values


def _applies_to(data: Any, where: str) -> AppliesTo:
    if not isinstance(data, dict):
        raise RuleError(f"{where}: applies_to must be a table")
    unknown = sorted(set(data) - APPLIES_KEYS)
    if unknown:
        raise RuleError(f"{where}: unknown key in applies_to: {', '.join(unknown)}")
    measures = [m.value for m in MeasureType]
    each = data.get("each")
    if each is not None and each not in EACH:
        raise RuleError(f"{where}: applies_to.each must be one of {', '.join(EACH)}")
    profile = data.get("profile")
    if profile is not None and profile not in PROFILE_PREDICATES:
        raise RuleError(f"{where}: unknown profile predicate {profile!r}")
    when = data.get("when", {})
    if not isinstance(when, dict):
        raise RuleError(f"{where}: applies_to.when must be a table")
    kinds = [k.value for k in CooperationKind]
    return AppliesTo(
        kinds=_choices(data["kinds"], where, "kinds", kinds) if "kinds" in data else (),
        each=each,
        measures=_choices(data["measures"], where, "measures", measures)
        if "measures" in data
        else (),
        except_measures=_choices(data["except_measures"], where, "measures", measures)
        if "except_measures" in data
        else (),
        unless_all_measures=_choices(data["unless_all_measures"], where, "measures", measures)
        if "unless_all_measures" in data
        else (),
        profile=profile,
        when=tuple((path, _strings(values, where, "when")) for path, values in when.items()),
    )


def _messages(data: Any, where: str) -> dict[str, str]:
    if not isinstance(data, dict):
        raise RuleError(f"{where}: message must be a table of the six UN languages")
    unknown = sorted(set(data) - set(UN_LANGUAGES))
    missing = [lang for lang in UN_LANGUAGES if not str(data.get(lang, "")).strip()]
    if unknown or missing:
        raise RuleError(
            f"{where}: message needs ar, zh, en, fr, ru and es"
            + (f"; missing or empty: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    for lang, text in data.items():
        for _literal, name, _spec, _conv in string.Formatter().parse(text):
            if name is not None and name not in PLACEHOLDERS:
                raise RuleError(f"{where}: unknown placeholder {{{name}}} in message.{lang}")
    return {lang: data[lang] for lang in UN_LANGUAGES}


def _rule(data: Any, file: str, index: int) -> Rule:
    where = f"{file}: rule {index + 1}"
    if not isinstance(data, dict):
        raise RuleError(f"{where}: not a table")
    if isinstance(data.get("id"), str):
        where = f"{file}: rule {data['id']!r}"
    unknown = sorted(set(data) - RULE_KEYS)
    if unknown:
        raise RuleError(f"{where}: unknown key {', '.join(unknown)}")
    for key in ("id", "source", "severity", "field", "message"):
        if key not in data:
            raise RuleError(f"{where}: missing key {key}")
    if data["severity"] not in (ERROR, WARNING):
        raise RuleError(f"{where}: severity must be 'error' or 'warning'")
    checks = [key for key in CHECK_KEYS if key in data]
    if len(checks) != 1:
        raise RuleError(f"{where}: needs exactly one of {', '.join(CHECK_KEYS)}")
    applies = _applies_to(data.get("applies_to", {}), where)
    penalty_below = data.get("penalty_below")
    if checks[0] == "penalty_below":
        if applies.each != "offences":
            raise RuleError(f"{where}: penalty_below needs applies_to.each = 'offences'")
        if isinstance(penalty_below, bool) or not isinstance(penalty_below, int):
            raise RuleError(f"{where}: penalty_below must be a whole number of months")
        if penalty_below <= 0:
            raise RuleError(f"{where}: penalty_below must be a whole number of months")
        paths: tuple[str, ...] = ("max_penalty",)
    else:
        paths = _strings(data[checks[0]], where, checks[0])
    if checks[0] == "require_in_details":
        if applies.each != "measures":
            raise RuleError(f"{where}: require_in_details needs applies_to.each = 'measures'")
        paths = tuple(f"details/{p}" for p in paths)
    allowed_from = data.get("allowed_from")
    if allowed_from is not None and (checks[0] != "require" or allowed_from not in ALLOWED_FROM):
        raise RuleError(f"{where}: allowed_from must be 'accepted_languages', with require")
    elements = data.get("elements", [])
    rule = Rule(
        id=data["id"],
        source=data["source"],
        severity=data["severity"],
        field=data["field"],
        messages=_messages(data["message"], where),
        applies_to=applies,
        require=paths if checks[0] != "require_any" else (),
        require_any=paths if checks[0] == "require_any" else (),
        allowed_from=allowed_from,
        penalty_below=penalty_below,
        elements=_strings(elements, where, "elements") if elements else (),
        file=file,
    )
    if rule.field not in {rule.pointer(p) for p in rule.paths}:
        raise RuleError(f"{where}: field {rule.field!r} is not one of the paths the rule checks")
    return rule


def load_rules(directory: Path = RULES_DIR) -> tuple[Rule, ...]:
    """Every rule of ``directory/*.toml``, in file then rule order; ``RuleError`` if malformed."""
    loaded: list[Rule] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise RuleError(f"{path.name}: {error}") from error
        unknown = sorted(set(data) - {"rule"})
        if unknown:
            raise RuleError(f"{path.name}: unknown top-level key {', '.join(unknown)}")
        for index, item in enumerate(data.get("rule", [])):
            loaded.append(_rule(item, path.name, index))
    seen: set[str] = set()
    for rule in loaded:
        if rule.id in seen:
            raise RuleError(f"{rule.file}: rule id {rule.id!r} is used twice")
        seen.add(rule.id)
    return tuple(loaded)


@cache
def rules() -> tuple[Rule, ...]:
    """The rules shipped in ``rules/*.toml``."""
    return load_rules()


# --- evaluation ---------------------------------------------------------------------------


def _get(data: Any, path: str) -> Any:
    for part in path.split("/"):
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _filled(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict | tuple):
        return bool(value)
    return True


def _primary(code: Any) -> str:
    return str(code).split("-")[0].lower()


def _relevant(document: Mapping[str, Any], profile: ProfileContext) -> list[Requirement]:
    """The profile's requirements for the measures the document seeks."""
    kinds = {PROFILE_MEASURE.get(m.get("kind", "")) for m in document.get("measures", [])}
    return [r for r in profile.requirements if r.measure in kinds]


def _written_in_not_accepted(document: Mapping[str, Any], profile: ProfileContext) -> bool:
    accepted = profile.accepted_languages
    return accepted is not None and _primary(document.get("written_in", "")) not in accepted


def _dual_criminality(document: Mapping[str, Any], profile: ProfileContext) -> bool:
    return any(
        r.dual_criminality in ("in_abstracto", "in_concreto")
        or (r.dual_criminality == "coercive_only" and r.measure in COERCIVE)
        for r in _relevant(document, profile)
    )


# Instruments whose scope depends on the offence's penalty: UNTOC applies to "serious crime"
# (art. 2(b): at least four years) besides the offences of arts. 5, 6, 8 and 23 (art. 3(1)).
SERIOUS_CRIME_INSTRUMENTS = frozenset({"untoc"})


def _penalty_relevant(document: Mapping[str, Any], profile: ProfileContext) -> bool:
    """The offence's penalty decides something: dual criminality is required for a measure
    sought, the basis is UNTOC (art. 2(b), 3), or the request is for extradition (most
    treaties and laws require a minimum penalty, e.g. European Convention on Extradition
    art. 2(1))."""
    basis = document.get("legal_basis") or {}
    return (
        _dual_criminality(document, profile)
        or basis.get("instrument") in SERIOUS_CRIME_INSTRUMENTS
        or document.get("kind") == CooperationKind.EXTRADITION
    )


Predicate = Callable[[Mapping[str, Any], ProfileContext], bool]
# The named conditions on the requested state's profile that ``applies_to.profile`` may use.
PROFILE_PREDICATES: dict[str, Predicate] = {
    "languages_known": lambda d, p: p.accepted_languages is not None,
    "written_in_not_accepted": _written_in_not_accepted,
    "certified_translation_required": lambda d, p: (
        _written_in_not_accepted(d, p) and any(r.certified_translation for r in _relevant(d, p))
    ),
    "legalisation_required": lambda d, p: any(r.legalisation for r in _relevant(d, p)),
    "undertakings_required": lambda d, p: any(r.undertakings.strip() for r in _relevant(d, p)),
    "dual_criminality_required": _dual_criminality,
    "penalty_relevant": _penalty_relevant,
}


def _applies(rule: Rule, document: Mapping[str, Any], profile: ProfileContext) -> bool:
    applies = rule.applies_to
    kinds = [m.get("kind") for m in document.get("measures", [])]
    if applies.kinds and document.get("kind") not in applies.kinds:
        return False
    if (
        applies.each != "measures"
        and applies.measures
        and not any(k in applies.measures for k in kinds)
    ):
        return False
    if (
        applies.unless_all_measures
        and kinds
        and all(k in applies.unless_all_measures for k in kinds)
    ):
        return False
    for path, values in applies.when:
        if not path.startswith("./") and _get(document, path) not in values:
            return False
    return applies.profile is None or PROFILE_PREDICATES[applies.profile](document, profile)


def _params(document: Mapping[str, Any], profile: ProfileContext) -> dict[str, str]:
    return {
        "written_in": str(document.get("written_in", "")),
        "accepted": ",".join(profile.accepted_languages or ()),
        "undertakings": "; ".join(
            r.undertakings.strip() for r in _relevant(document, profile) if r.undertakings.strip()
        ),
        "n": "",
    }


def _missing(rule: Rule, item: Any, profile: ProfileContext) -> str | None:
    """The first path of ``item`` that fails ``rule`` (relative), or None."""
    if rule.penalty_below is not None:
        penalty = penalty_or_none(_get(item, "max_penalty"))
        below = penalty is not None and penalty.at_least(rule.penalty_below) is False
        return "max_penalty" if below else None
    if rule.require_any:
        return None if any(_filled(_get(item, p)) for p in rule.require_any) else rule.paths[0]
    for path in rule.require:
        value = _get(item, path)
        if not _filled(value):
            return path
        accepted = profile.accepted_languages
        in_profile = accepted is None or _primary(value) in accepted
        if rule.allowed_from == "accepted_languages" and not in_profile:
            return path
    return None


def check_document(
    document: Mapping[str, Any],
    profile_context: ProfileContext | None = None,
    *,
    rule_set: Iterable[Rule] | None = None,
) -> list[Finding]:
    """The findings of every rule (``rule_set``, default ``rules()``) for ``document``."""
    profile = profile_context or ProfileContext()
    params = _params(document, profile)
    findings: list[Finding] = []
    for rule in rules() if rule_set is None else rule_set:
        if not _applies(rule, document, profile):
            continue
        each = rule.applies_to.each
        items: list[tuple[int | None, Any]] = [(None, document)]
        if each is not None:
            items = list(enumerate(document.get(each) or []))
        for index, item in items:
            if each is not None and not _item_applies(rule, item):
                continue
            kind = item.get("kind") if isinstance(item, Mapping) else None
            if each == "measures":
                if rule.applies_to.measures and kind not in rule.applies_to.measures:
                    continue
                if kind in rule.applies_to.except_measures:
                    continue
            missing = _missing(rule, item, profile)
            if missing is None:
                continue
            pointer = rule.field if rule.require_any else rule.pointer(missing)
            findings.append(
                Finding(
                    rule_id=rule.id,
                    severity=rule.severity,
                    field=pointer.replace("*", str(index)),
                    source=rule.source,
                    messages=rule.messages,
                    params=params | {"n": str(index + 1) if index is not None else ""},
                )
            )
    return findings


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _item_applies(rule: Rule, item: Any) -> bool:
    """Whether the item meets the rule's ``when`` conditions on the item itself ("./path",
    e.g. ``"./is_legal_person" = ["false"]``: a natural person's date of birth)."""
    return all(
        _as_text(_get(item, path[2:])) in values
        for path, values in rule.applies_to.when
        if path.startswith("./")
    )


def profile_context(case: Case) -> ProfileContext:
    """What the requested state's directory profile requires for ``case``."""
    from rogatory.directory.models import CountryProfile

    profile = CountryProfile.objects.filter(state_id=case.requested_state_id).first()
    if profile is None:
        return ProfileContext()
    languages = sorted(
        {
            _primary(code)
            for code, instrument in profile.languages.values_list("language_id", "instrument_id")
            if instrument is None or instrument == case.legal_basis_id
        }
    )
    return ProfileContext(
        accepted_languages=tuple(languages) or None,
        requirements=tuple(
            Requirement(
                measure=r.measure,
                certified_translation=r.certified_translation,
                legalisation=r.legalisation,
                undertakings=r.undertakings,
                dual_criminality=r.dual_criminality,
            )
            for r in profile.measures.all()
        ),
    )


def check_case(case: Case, language: str, **options: Any) -> list[Finding]:
    """The findings for the document of ``case`` in ``language``, against its profile."""
    return check_document(build_document(case, language=language, **options), profile_context(case))
