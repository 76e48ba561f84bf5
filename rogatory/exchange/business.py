"""The business layer of the exchange: what the body of each action says, and checking it.

Every message between two nodes carries, besides its header, a *business body*: a JSON object
whose shape depends on the header's ``action``. Each action has a published JSON Schema (Draft
2020-12) in ``schemas/<action>-body-1.schema.json``; the body of a ``request`` embeds the request
document of ``rogatory/drafting/schemas/request-1.schema.json``, checked by the drafting app's
``validate_document`` so that both apps apply one validator to one kind of input.

Public names:

* ``ACTIONS`` — ``ActionSpec`` per action name, in the order of a request's life.
* ``schema(action) -> dict`` — the published schema of an action's body.
* ``validate_body(action, body) -> dict`` — the body itself when valid; otherwise
  ``BusinessDocumentError`` with every problem as ``"body/<JSON path>: <message>"``.
* ``part_ids(action, body) -> set[str]`` — the manifest parts a (valid) body refers to.
* ``SUMMARY_FIELD`` and ``summary(action, body) -> str`` — one line for timelines.

This module imports no other module of ``rogatory.exchange``: the envelope, the transport and the
views use it, not the reverse.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from referencing import Registry, Resource

from rogatory.drafting import document

__all__ = [
    "ACTIONS",
    "SCHEMA_DIR",
    "SUMMARY_FIELD",
    "ActionSpec",
    "BusinessDocumentError",
    "part_ids",
    "schema",
    "summary",
    "validate_body",
]

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SUMMARY_LENGTH = 200
# Messages quote at most this much of the offending value: a 20,000-character text must not be
# copied into the problem list, the log and the screen.
_QUOTE_LENGTH = 60

Role = Literal["requester", "requested"]


@dataclass(frozen=True)
class ActionSpec:
    """One business action: who may send it, what it is called and where its schema is."""

    name: str
    label: Promise
    # The side of the request that sends it: "requester" made the request, "requested" executes
    # it; lets the exchange refuse, say, a refusal sent by the requesting state.
    sender_role: Role
    article: str
    schema_file: str


def _spec(name: str, label: Promise, sender_role: Role, article: str) -> ActionSpec:
    return ActionSpec(
        name, label, sender_role, article, f"{name.replace('_', '-')}-body-1.schema.json"
    )


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        _spec("request", _("Request"), "requester", "UNTOC art. 18(13)-(15)"),
        _spec(
            "acknowledgement",
            _("Acknowledgement of receipt"),
            "requested",
            "UNTOC art. 18(13)",
        ),
        _spec(
            "info_request",
            _("Request for additional information"),
            "requested",
            "UNTOC art. 18(16)",
        ),
        _spec("info_answer", _("Additional information"), "requester", "UNTOC art. 18(16)"),
        _spec(
            "consultation",
            _("Consultation before refusal or postponement"),
            "requested",
            "UNTOC art. 18(26)",
        ),
        _spec("postponement", _("Postponement of execution"), "requested", "UNTOC art. 18(25)"),
        _spec("execution_update", _("Execution update"), "requested", "UNTOC art. 18(24)"),
        _spec("execution_result", _("Execution result"), "requested", "UNTOC art. 18(24)"),
        _spec("refusal", _("Refusal"), "requested", "UNTOC art. 18(21), 18(23)"),
        _spec("withdrawal", _("Withdrawal of the request"), "requester", ""),
        _spec("status_request", _("Status request"), "requester", "UNTOC art. 18(24)"),
        _spec("status_answer", _("Status answer"), "requested", "UNTOC art. 18(24)"),
        _spec(
            "costs_notice",
            _("Notice of extraordinary costs"),
            "requested",
            "UNTOC art. 18(28)",
        ),
    )
}

# The field whose text stands for the message in a timeline.
SUMMARY_FIELD: dict[str, str] = {
    "request": "sender_reference",
    "acknowledgement": "receiver_reference",
    "info_request": "questions",
    "info_answer": "answer",
    "consultation": "reason",
    "postponement": "reason",
    "execution_update": "summary",
    "execution_result": "summary",
    "refusal": "reasons",
    "withdrawal": "reason",
    "status_request": "note",
    "status_answer": "note",
    "costs_notice": "description",
}


class BusinessDocumentError(ValueError):
    """The body is not valid for its action; ``problems`` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _spec_of(action: str) -> ActionSpec:
    try:
        return ACTIONS[action]
    except KeyError:
        raise BusinessDocumentError([f"action: unknown action {_quote(action)}"]) from None


@cache
def schema(action: str) -> dict[str, Any]:
    """The published JSON Schema (Draft 2020-12) of the body of ``action``."""
    path = SCHEMA_DIR / _spec_of(action).schema_file
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


# Strict RFC 3339 (the offset is required); ``fromisoformat`` then rejects impossible values.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
# jsonschema checks "date-time" only when rfc3339-validator is installed; we do not rely on it.
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not _DATE_TIME.fullmatch(instance):
        return False
    datetime.datetime.fromisoformat(instance.replace("Z", "+00:00"))
    return True


@cache
def _validator(action: str) -> jsonschema.Draft202012Validator:
    request_schema = document.schema()
    registry: Registry[Any] = Registry().with_resource(
        request_schema["$id"], Resource.from_contents(request_schema)
    )
    checked = schema(action)
    if action == "request":
        # The embedded request document is validated once, by the drafting app's validator
        # (validate_body); here only its being an object (measured: halves the time).
        checked = {
            **checked,
            "properties": {**checked["properties"], "request": {"type": "object"}},
        }
    return jsonschema.Draft202012Validator(checked, registry=registry, format_checker=_FORMATS)


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _QUOTE_LENGTH else f"{text[: _QUOTE_LENGTH - 1]}…"


def _message(error: jsonschema.ValidationError) -> str:
    """The error's message, without copying a long value into it."""
    value = error.instance
    if error.validator == "maxLength":
        return f"longer than {error.validator_value} characters"
    if error.validator == "pattern" and isinstance(value, str):
        if "\x00" in value:
            return "contains a NUL character"
        if not value.strip():
            return "must not be empty"
        return f"{_quote(value)} does not match {error.validator_value!r}"
    if error.validator == "format":
        return f"{_quote(value)} is not a valid {error.validator_value}"
    if error.validator in ("enum", "type"):
        return f"{_quote(value)} is {error.message.rsplit(' is ', 1)[-1]}"
    if error.validator == "uniqueItems":
        return "has repeated items"
    if error.validator == "maxItems":
        return f"has more than {error.validator_value} items"
    return error.message if len(error.message) <= 300 else f"{error.message[:299]}…"


def _nul_paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths of the strings inside ``value`` that contain a NUL character."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, (*path, str(index)))


def _document_path(data: Any, problem: str) -> tuple[tuple[str, ...], str]:
    """Split a ``validate_document`` problem into its path inside ``data`` and its message."""
    where, sep, message = problem.partition(": ")
    if sep and where:
        node = data
        for part in where.split("/"):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                break
        else:
            return tuple(where.split("/")), message
    return (), problem


def _request_problems(data: Any) -> list[tuple[tuple[str, ...], str]]:
    """The problems of the request document embedded in a ``request`` body."""
    found = []
    for problem in document.validate_document(data):
        path, message = _document_path(data, problem)
        found.append((("request", *path), message))
    # The request schema is not ours to change and says nothing about NUL characters.
    found.extend((("request", *path), "contains a NUL character") for path in _nul_paths(data))
    return found


def _line(path: tuple[str, ...], message: str) -> str:
    return f"{'/'.join(('body', *path))}: {message}"


def validate_body(action: str, body: Any) -> dict[str, Any]:
    """``body`` when it is a valid body of ``action``; ``BusinessDocumentError`` otherwise."""
    _spec_of(action)
    if not isinstance(body, dict):
        raise BusinessDocumentError([_line((), f"must be a JSON object, not {_quote(body)}")])
    found: list[tuple[tuple[str, ...], str]] = []
    for error in _validator(action).iter_errors(body):
        path = tuple(str(part) for part in error.absolute_path)
        # The embedded request document is checked below, by the drafting app's validator.
        if action == "request" and path[:1] == ("request",):
            continue
        found.append((path, _message(error)))
    if action == "request" and "request" in body:
        found.extend(_request_problems(body["request"]))
    if found:
        raise BusinessDocumentError([_line(path, message) for path, message in sorted(found)])
    return body


def part_ids(action: str, body: dict[str, Any]) -> set[str]:
    """The ids of the envelope parts a valid ``body`` refers to (to check against the manifest)."""
    _spec_of(action)
    ids: set[str] = set(body.get("attachments", []))
    ids.update(item["part_id"] for item in body.get("renderings", []))
    ids.update(item["part_id"] for item in body.get("evidence_items", []))
    return ids


def summary(action: str, body: dict[str, Any]) -> str:
    """One line of at most 200 characters that stands for the message in a timeline."""
    text = str(body.get(SUMMARY_FIELD[_spec_of(action).name], ""))
    if action == "costs_notice":
        text = f"{body.get('amount', '')} {body.get('currency', '')}: {text}"
    line = " ".join(text.split())
    if len(line) <= SUMMARY_LENGTH:
        return line
    return f"{line[: SUMMARY_LENGTH - 1].rstrip()}…"
