"""JSON from outside, read within limits: size and depth checked before parsing.

``loads(raw, max_bytes=..., max_depth=...)`` is ``json.loads`` for input nobody here wrote (the
API's request bodies, imported request documents, uploaded profiles). It refuses, with
``InputRefused`` and a sentence the user can act on:

* more than ``max_bytes`` bytes, before anything is decoded;
* bytes that are not UTF-8 (a byte-order mark is allowed);
* arrays and objects nested deeper than ``max_depth`` — checked by a scan before parsing, so
  neither the parser nor a schema validator recurses into a hostile document (5,000 levels
  once raised RecursionError, a server error);
* ``NaN``, ``Infinity`` and numbers too large for a float or too long for an int;
* a key or string holding a control character or a lone surrogate (``lib.validators``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

from .validators import InputRefused, text_problem

__all__ = ["DEFAULT_MAX_DEPTH", "loads"]

# Our documents are at most 6 levels deep (request → measures → details → questions); the
# margin leaves room for free ``details`` without letting a parser recurse for long.
DEFAULT_MAX_DEPTH = 32

# A JSON string literal (with its escapes), skipped by the depth scan.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    """How deep arrays and objects nest in ``text``; malformed text is left to the parser."""
    deepest = depth = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise InputRefused(_("The JSON holds %(value)s, which is not a number here.") % {"value": name})


def _float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise InputRefused(
            _("The JSON holds a number too large: %(value)s.") % {"value": text[:40]}
        )
    return value


def _check_strings(value: Any) -> None:
    """Refuse control characters in every key and string (iteratively: depth is bounded)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts: list[str] = [item]
        elif isinstance(item, dict):
            texts = list(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for text in texts:
            if problem := text_problem(text):
                raise InputRefused(problem)


def loads(raw: bytes | str, *, max_bytes: int, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """Parse ``raw`` as JSON within the limits above; ``InputRefused`` says what is wrong."""
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > max_bytes:
        raise InputRefused(
            _("The JSON is larger than %(limit)s bytes (it has %(size)s).")
            % {"limit": max_bytes, "size": size}
        )
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputRefused(_("Not a JSON document: it is not encoded in UTF-8.")) from None
    else:
        text = raw.removeprefix("\ufeff")
    if _depth(text) > max_depth:
        raise InputRefused(
            _("The JSON is nested more than %(limit)d levels deep.") % {"limit": max_depth}
        )
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_float)
    except InputRefused:
        raise
    except (ValueError, RecursionError) as error:
        # JSONDecodeError (a ValueError) names the line and column; an int of more than
        # 4,300 digits is a plain ValueError.
        raise InputRefused(_("Not a JSON document: %(error)s") % {"error": error}) from None
    _check_strings(value)
    return value
