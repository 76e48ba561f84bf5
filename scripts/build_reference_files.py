"""Build the language, currency and state-language reference files from Babel and pycountry.

Writes, under ``rogatory/reference/data/``:

* ``languages.csv`` — every ISO 639-1 language in pycountry, every language that
  ``state_languages.csv`` names, and the script variants ``zh-Hans`` and ``zh-Hant``, with their
  ISO 639 codes (pycountry) and names in the six UN languages (Babel/CLDR);
* ``currencies.csv`` — every ISO 4217 currency in pycountry, with its minor unit and names in the
  six UN languages (Babel/CLDR);
* ``state_languages.csv`` — for every ISO 3166-1 code in pycountry, the languages CLDR marks as
  ``official``, ``de_facto_official`` or ``official_regional`` there;
* ``SOURCES_generated.md`` — where the three files come from, with the versions used.

Nothing is fetched from the network: the data is what the installed Babel and pycountry bundle,
so the output depends only on their versions. Rows are sorted and written with the csv module in
UTF-8 with "\\n" line endings, so two runs with the same versions give identical files.

Run from the repository root::

    .venv/bin/python scripts/build_reference_files.py
"""

from __future__ import annotations

import argparse
import csv
import datetime
import importlib.metadata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import babel
import pycountry
from babel.core import Locale, get_cldr_version, get_global
from babel.languages import get_official_languages
from babel.numbers import get_currency_precision

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "rogatory" / "reference" / "data"
REGENERATE_COMMAND = ".venv/bin/python scripts/build_reference_files.py"

# Column suffix -> Babel locale identifier, in the UN's order (ar, zh, en, fr, ru, es).
UN_LOCALES: dict[str, str] = {
    "ar": "ar",
    "zh": "zh_Hans",
    "en": "en",
    "fr": "fr",
    "ru": "ru",
    "es": "es",
}
UN_OFFICIAL_CODES = frozenset({"ar", "zh", "zh-Hans", "en", "fr", "ru", "es"})
SCRIPT_VARIANTS = ("zh-Hans", "zh-Hant")
# ISO 639-1 codes whose language is not in ISO 639-2: "sh" (Serbo-Croatian, deprecated in 639-1)
# has the 639-3 macrolanguage code "hbs", which ISO 639-2 never had.
NOT_IN_ISO639_2 = frozenset({"sh"})
STATUS_ORDER: dict[str, int] = {"official": 0, "de_facto_official": 1, "official_regional": 2}

LANGUAGE_HEADER = [
    "code",
    "iso639_1",
    "iso639_2t",
    "iso639_3",
    *(f"name_{suffix}" for suffix in UN_LOCALES),
    "is_un_official",
]
CURRENCY_HEADER = ["code", "numeric", "minor_unit", *(f"name_{suffix}" for suffix in UN_LOCALES)]
STATE_LANGUAGE_HEADER = ["iso2", "language", "status"]


@dataclass(frozen=True)
class Tag:
    """A BCP 47 language tag reduced to the parts CLDR uses here: language and script."""

    language: str
    script: str | None = None

    @classmethod
    def from_babel(cls, identifier: str) -> Tag:
        """Parse Babel's ``zh_Hans`` / CLDR's ``zh-Hans`` form."""
        parts = identifier.replace("-", "_").split("_")
        if len(parts) == 1:
            return cls(parts[0].lower())
        if len(parts) == 2 and len(parts[1]) == 4 and parts[1].isalpha():
            return cls(parts[0].lower(), parts[1].title())
        raise ValueError(f"unexpected language identifier {identifier!r}")

    @property
    def bcp47(self) -> str:
        return f"{self.language}-{self.script}" if self.script else self.language

    @property
    def babel_key(self) -> str:
        return f"{self.language}_{self.script}" if self.script else self.language


@dataclass
class Stats:
    """What the run noticed, printed at the end."""

    name_fallbacks: dict[str, list[str]]
    territories_without_language: list[str]
    status_counts: dict[str, int]
    languages_from_states: list[str]
    languages_without_iso639: list[str]
    currency_name_fallbacks: dict[str, list[str]]


def ui_locales() -> dict[str, Locale]:
    return {suffix: Locale.parse(ident) for suffix, ident in UN_LOCALES.items()}


def pycountry_language(code: str) -> Any | None:
    """Return pycountry's ISO 639-3 record for a 2- or 3-letter code, or None."""
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code)
    if len(code) == 3:
        return pycountry.languages.get(alpha_3=code)
    return None


def iso639_2t(record: Any) -> str:
    """ISO 639-2/T code, when pycountry's data shows the language is in ISO 639-2.

    pycountry bundles ISO 639-3, not ISO 639-2. Every ISO 639-1 language is in ISO 639-2 with the
    639-3 code as its /T code, and iso-codes records a ``bibliographic`` code only for ISO 639-2
    languages; for any other language the 639-2 membership is unknown here, so it stays empty.
    The exceptions in ``NOT_IN_ISO639_2`` are left empty too.
    """
    if getattr(record, "alpha_2", None) in NOT_IN_ISO639_2:
        return ""
    if getattr(record, "alpha_2", None) or getattr(record, "bibliographic", None):
        return str(record.alpha_3)
    return ""


def english_fallback(tag: Tag) -> str:
    """The pycountry English name; for a script variant, with the ISO 15924 script name."""
    record = pycountry_language(tag.language)
    if record is None:
        raise LookupError(f"{tag.bcp47}: no name in CLDR English nor in pycountry")
    name = str(record.name)
    if tag.script:
        script = pycountry.scripts.get(alpha_4=tag.script)
        name = f"{name} ({script.name if script else tag.script})"
    return name


def cldr_language_name(tag: Tag, locale: Locale) -> str | None:
    """Name of ``tag`` in ``locale``: CLDR's own name for the full tag, else what
    ``Locale.get_display_name`` would build ("language (script)"), else None."""
    name = locale.languages.get(tag.babel_key)
    if name:
        return str(name)
    base = locale.languages.get(tag.language)
    if not base:
        return None
    if tag.script is None:
        return str(base)
    script = locale.scripts.get(tag.script)
    return f"{base} ({script})" if script else None


def build_state_languages(stats: Stats) -> list[dict[str, str]]:
    territory_languages: Mapping[str, Mapping[str, Mapping[str, Any]]] = get_global(
        "territory_languages"
    )
    rows: list[dict[str, str]] = []
    for country in pycountry.countries:
        iso2 = str(country.alpha_2)
        languages = get_official_languages(iso2, regional=True, de_facto=True)
        if not languages:
            stats.territories_without_language.append(iso2)
        info = territory_languages.get(iso2, {})
        for identifier in languages:
            status = info[identifier]["official_status"]
            if status not in STATUS_ORDER:
                raise ValueError(f"{iso2}/{identifier}: unknown official_status {status!r}")
            rows.append(
                {
                    "iso2": iso2,
                    "language": Tag.from_babel(identifier).bcp47,
                    "status": status,
                }
            )
    rows.sort(key=lambda r: (r["iso2"], STATUS_ORDER[r["status"]], r["language"]))
    for row in rows:
        stats.status_counts[row["status"]] = stats.status_counts.get(row["status"], 0) + 1
    stats.territories_without_language.sort()
    return rows


def build_languages(state_codes: Iterable[str], stats: Stats) -> list[dict[str, str]]:
    locales = ui_locales()
    tags: set[Tag] = {
        Tag(str(record.alpha_2))
        for record in pycountry.languages
        if getattr(record, "alpha_2", None)
    }
    iso639_1_tags = set(tags)
    tags.update(Tag.from_babel(code) for code in SCRIPT_VARIANTS)
    for code in state_codes:
        tag = Tag.from_babel(code)
        if tag not in tags:
            stats.languages_from_states.append(tag.bcp47)
        tags.add(tag)
    stats.languages_from_states.sort()

    rows: list[dict[str, str]] = []
    for tag in sorted(tags, key=lambda t: t.bcp47):
        record = pycountry_language(tag.language)
        if record is None:
            stats.languages_without_iso639.append(tag.bcp47)
        fallback = english_fallback(tag)
        row = {
            "code": tag.bcp47,
            "iso639_1": str(getattr(record, "alpha_2", "") or "") if record else "",
            "iso639_2t": iso639_2t(record) if record else "",
            "iso639_3": str(record.alpha_3) if record else "",
        }
        for suffix, locale in locales.items():
            name = cldr_language_name(tag, locale)
            if not name:
                stats.name_fallbacks.setdefault(suffix, []).append(tag.bcp47)
                name = fallback
            row[f"name_{suffix}"] = name
        row["is_un_official"] = "1" if tag.bcp47 in UN_OFFICIAL_CODES else "0"
        rows.append(row)
    assert iso639_1_tags <= tags
    return rows


def build_currencies(stats: Stats) -> list[dict[str, str]]:
    locales = ui_locales()
    rows: list[dict[str, str]] = []
    for currency in pycountry.currencies:
        code = str(currency.alpha_3)
        row = {
            "code": code,
            "numeric": str(currency.numeric).zfill(3),
            "minor_unit": str(get_currency_precision(code)),
        }
        for suffix, locale in locales.items():
            name = locale.currencies.get(code)
            if not name:
                stats.currency_name_fallbacks.setdefault(suffix, []).append(code)
                name = str(currency.name)
            row[f"name_{suffix}"] = str(name)
        rows.append(row)
    rows.sort(key=lambda r: r["code"])
    return rows


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            if any(not row[column] for column in header if column.startswith("name_")):
                raise ValueError(f"{path.name}: empty name in {row}")
            writer.writerow(row)
            count += 1
    return count


def sources_markdown(date: str, counts: dict[str, int]) -> str:
    babel_version = babel.__version__
    cldr_version = get_cldr_version()
    pycountry_version = importlib.metadata.version("pycountry")
    cldr = (
        f"Babel {babel_version}, which bundles Unicode CLDR {cldr_version}. Licence of the CLDR "
        "data: Unicode License v3 (<https://www.unicode.org/license.txt>); Babel itself is "
        "BSD-3-Clause."
    )
    iso = (
        f"pycountry {pycountry_version}, which bundles the ISO 639-3, ISO 3166-1, ISO 4217 and "
        "ISO 15924 lists of the Debian **iso-codes** project "
        "(<https://salsa.debian.org/iso-codes-team/iso-codes>; the iso-codes release is not "
        "recorded in the pycountry wheel). Licence: LGPL-2.1 for pycountry's code and for the "
        "iso-codes data."
    )
    files = "\n".join(
        [
            f"- `languages.csv` ({counts['languages.csv']} rows): every ISO 639-1 language in",
            "  pycountry, every language of `state_languages.csv`, and `zh-Hans`, `zh-Hant`.",
            "  ISO 639-1 and 639-3 codes from pycountry; ISO 639-2/T only where pycountry's data",
            "  shows the language is in ISO 639-2 (all ISO 639-1 languages, and those with a",
            "  bibliographic code, except `sh`), empty otherwise. Names in ar, zh (`zh_Hans`),",
            "  en, fr, ru, es from CLDR, falling back to the pycountry English name where CLDR",
            "  has none.",
            f"- `currencies.csv` ({counts['currencies.csv']} rows): codes and numeric codes from",
            "  pycountry's ISO 4217 list. `minor_unit` is CLDR's currency digits",
            "  (`babel.numbers.get_currency_precision`), a display precision that is not always",
            "  the ISO 4217 minor unit. Names from CLDR, falling back to the pycountry name.",
            f"- `state_languages.csv` ({counts['state_languages.csv']} rows): for each ISO 3166-1",
            "  code in pycountry, the languages CLDR marks `official`, `de_facto_official` or",
            "  `official_regional` there",
            "  (`babel.languages.get_official_languages(code, regional=True, de_facto=True)`).",
        ]
    )
    return f"""\
## languages.csv, currencies.csv, state_languages.csv — CLDR (Babel) and ISO lists (pycountry)

Generated on {date} by `scripts/build_reference_files.py` from the Python packages installed in
`.venv`; nothing was downloaded. To regenerate, from the repository root:

```sh
{REGENERATE_COMMAND}
```

The output depends only on the Babel and pycountry versions (rows are sorted), so a rerun with
the same versions gives identical files; after upgrading either package, rerun it and update
this section.

- **CLDR** — {cldr}
- **ISO lists** — {iso}

{files}
"""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--date",
        default=datetime.date.today().isoformat(),
        help="date written in SOURCES_generated.md (default: today)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stats = Stats({}, [], {}, [], [], {})
    state_rows = build_state_languages(stats)
    language_rows = build_languages({row["language"] for row in state_rows}, stats)
    currency_rows = build_currencies(stats)

    known = {row["code"] for row in language_rows}
    missing = sorted({row["language"] for row in state_rows} - known)
    if missing:
        raise ValueError(f"state_languages.csv names languages not in languages.csv: {missing}")

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    counts = {
        "languages.csv": write_csv(DATA_DIR / "languages.csv", LANGUAGE_HEADER, language_rows),
        "currencies.csv": write_csv(DATA_DIR / "currencies.csv", CURRENCY_HEADER, currency_rows),
        "state_languages.csv": write_csv(
            DATA_DIR / "state_languages.csv", STATE_LANGUAGE_HEADER, state_rows
        ),
    }
    with (DATA_DIR / "SOURCES_generated.md").open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(sources_markdown(args.date, counts))

    for name, count in counts.items():
        print(f"{name}: {count} rows")
    print(f"statuses: {dict(sorted(stats.status_counts.items()))}")
    print(
        f"territories without an official language in CLDR "
        f"({len(stats.territories_without_language)}): "
        + " ".join(stats.territories_without_language)
    )
    print(f"languages added from state_languages.csv: {' '.join(stats.languages_from_states)}")
    if stats.languages_without_iso639:
        print(f"languages not in pycountry: {' '.join(stats.languages_without_iso639)}")
    for suffix, codes in sorted(stats.name_fallbacks.items()):
        print(f"language names not in CLDR {suffix} ({len(codes)}): {' '.join(codes)}")
    for suffix, codes in sorted(stats.currency_name_fallbacks.items()):
        print(f"currency names not in CLDR {suffix} ({len(codes)}): {' '.join(codes)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
