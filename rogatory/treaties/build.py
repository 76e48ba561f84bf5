"""Build the shipped participation and declaration files from the UN Treaty Collection data.

Inputs, all under ``treaties/data/untc/`` (see its ``SOURCES.md``):

* ``all_instruments.csv`` — the UNTC participant tables (S1, complete lists as of 2014-01-27 /
  2014-07-10 per instrument): every participant, signatory or party;
* ``supplementary_events.csv`` — later actions from the UN monthly Statements (S2), the 2024
  UNTC status page and the Dutch Verdragenbank (S4+S5), a UNODC press release (S7);
* ``comparison_with_project.csv`` and ``project_2026-11-23_*.csv`` — our earlier hand-compiled
  file and how it compares with S1;
* ``key_declarations.csv`` and ``declarations_untc_2014.csv`` — declarations (S1-D).

Outputs: ``participation.csv``, ``declarations.csv``, ``organizations.csv`` (the European
Union's rows: it is not a State) and ``untc/resolutions.csv`` (how each difference between our
earlier file and the UN list was settled). The build is deterministic: the same inputs give the
same bytes. ``scripts/build_treaty_data.py`` runs it.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
UNTC_DIR = DATA_DIR / "untc"

# Treaty entry-into-force dates and the days after deposit (UNTOC art. 38(2), Protocols
# art. 17(2)/22(2)/18(2), UNCAC art. 68(2): 30; 1988 Convention art. 29(2): 90).
PROJECT_FILE_DATE = "2026-11-23"
PROJECT_SOURCE = "rogatory-2026-11-23"
UNTC_REF = "rogatory/treaties/data/untc"
# Regional economic integration organizations: parties that are not States.
ORGANIZATIONS = {"EU"}

PARTICIPATION_COLUMNS = [
    "instrument",
    "state",
    "state_name_untc",
    "signed_on",
    "action",
    "deposited_on",
    "in_force_on",
    "in_force_basis",
    "source",
    "source_ref",
    "source_url",
    "as_of",
    "verified",
    "note",
]
DECLARATION_COLUMNS = [
    "instrument",
    "state",
    "kind",
    "article",
    "languages",
    "text",
    "source",
    "source_ref",
    "source_url",
    "as_of",
    "verified",
    "note",
]
RESOLUTION_COLUMNS = [
    "instrument",
    "state",
    "comparison",
    "ours",
    "un_list",
    "decision",
    "reason",
]


@dataclass(frozen=True)
class InstrumentRule:
    code: str
    in_force_on: datetime.date
    days: int
    source_url: str


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def instrument_rules() -> dict[str, InstrumentRule]:
    data = json.loads((DATA_DIR / "instruments.json").read_text("utf-8"))
    return {
        item["code"]: InstrumentRule(
            code=item["code"],
            in_force_on=datetime.date.fromisoformat(item["in_force_on"]),
            days=item["days_to_entry_into_force"],
            source_url=item["source_url"],
        )
        for item in data["instruments"]
    }


def derived_entry_into_force(rule: InstrumentRule, deposited_on: str, action: str) -> str:
    """``max(deposit + N days, treaty EIF)``; "" for a succession (it takes effect from the
    date of State succession, which the UN list does not give) or without a deposit."""
    if not deposited_on or action in {"succession", "signature"}:
        return ""
    own = datetime.date.fromisoformat(deposited_on) + datetime.timedelta(days=rule.days)
    return max(own, rule.in_force_on).isoformat()


def _basis(action: str, in_force_on: str, official: bool = False) -> str:
    if action == "signature":
        return ""
    if action == "succession":
        return "not_derived"
    if official:
        return "official"
    return "derived" if in_force_on else "not_derived"


def _from_un_list(row: dict[str, str], rule: InstrumentRule) -> dict[str, str]:
    action = row["action_kind"]
    in_force = derived_entry_into_force(rule, row["action_date"], action)
    if row["eif_date"] and in_force != row["eif_date"]:  # the shared file computed it too
        raise ValueError(f"entry into force differs from the shared file: {row}")
    return {
        "instrument": row["instrument"],
        "state": row["iso2"],
        "state_name_untc": row["state_name_untc"],
        "signed_on": row["signature_date"],
        "action": action,
        "deposited_on": row["action_date"],
        "in_force_on": in_force,
        "in_force_basis": _basis(action, in_force),
        "source": row["source_id"],
        "source_ref": row["source_ref"],
        "source_url": rule.source_url,
        "as_of": row["source_as_of"],
        "verified": "yes",
        "note": row["note"],
    }


def _describe(kind: str, day: str) -> str:
    return f"{kind} {day}".strip() or "no row"


def build(
    un_list: Sequence[dict[str, str]],
    supplementary: Sequence[dict[str, str]],
    comparison: Sequence[dict[str, str]],
    ours: Sequence[dict[str, str]],
    rules: dict[str, InstrumentRule],
) -> tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]]]:
    """Return (participation rows, organization rows, resolution rows)."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    organizations = []
    for row in un_list:
        built = _from_un_list(row, rules[row["instrument"]])
        if row["iso2"] in ORGANIZATIONS:
            organizations.append(built)
        else:
            rows[(row["instrument"], row["iso2"])] = built
    ours_by_key = {(r["instrument"], r["state"]): r for r in ours}
    resolutions = []

    # Later actions (S2, S4+S5, S7) replace a 2014 signature or add a participant.
    full_refs: dict[str, str] = {}
    for event in supplementary:
        reference = event["source_ref"]
        if reference.startswith(("same ", "as above")):  # "as above" in the shared file
            reference = full_refs[event["source_id"]]
        full_refs[event["source_id"]] = reference
        if event["action_kind"] == "territorial_application":
            continue  # not a new party: shipped as a declaration of the parent state
        key = (event["instrument"], event["iso2"])
        rule = rules[event["instrument"]]
        earlier = rows.get(key)
        if earlier is not None and earlier["action"] != "signature":
            raise ValueError(f"a later event for a state already party in 2014: {event}")
        action = event["action_kind"]
        note = event["note"]
        verified = "yes"
        if action == "unspecified":
            # S7 names the date but not the kind of instrument: the kind comes from our
            # earlier file (MOFA Japan, not the UN), so the row is corroborated, not verified.
            previous = ours_by_key.get(key)
            if previous is None:
                raise ValueError(f"no kind of instrument for {event}")
            action = previous["action"]
            verified = "no"
            note = (
                f"corroborated: date from {event['source_id']} (kind not stated there); "
                f"kind '{action}' from our {PROJECT_FILE_DATE} file; {note}"
            )
        in_force = derived_entry_into_force(rule, event["action_date"], action)
        official = bool(event["eif_date_source"])
        if official and in_force and event["eif_date_source"] != in_force:
            raise ValueError(f"official entry into force differs from the rule: {event}")
        rows[key] = {
            "instrument": event["instrument"],
            "state": event["iso2"],
            "state_name_untc": earlier["state_name_untc"]
            if earlier
            else event["state_name_source"],
            "signed_on": (earlier["signed_on"] if earlier else "") or event["signature_date"],
            "action": action,
            "deposited_on": event["action_date"],
            "in_force_on": event["eif_date_source"] or in_force,
            "in_force_basis": _basis(action, in_force, official),
            "source": event["source_id"],
            "source_ref": reference,
            "source_url": rule.source_url,
            "as_of": event["source_as_of"] if len(event["source_as_of"]) == 10 else "",
            "verified": verified,
            "note": note,
        }
        if not rows[key]["as_of"]:  # "2018-10": the Statement's month, its last day
            year, month = (int(part) for part in event["source_as_of"].split("-"))
            following = datetime.date(year + month // 12, month % 12 + 1, 1)
            rows[key]["as_of"] = (following - datetime.timedelta(days=1)).isoformat()

    for compared in comparison:
        key = (compared["instrument"], compared["state"])
        result = compared["result"]
        previous = ours_by_key[key]
        ours_text = _describe(previous["action"], previous["deposited_on"])
        un_text = _describe(compared["S1_kind"], compared["S1_date"])
        if result == "agree":
            continue
        if result.startswith("disagree") and result != "disagree_missing_in_source":
            decision = "un_list"
            reason = (
                "The UN list (S1, depositary records) wins over our earlier file, which was "
                "compiled from memory and not verified."
            )
        elif result == "disagree_missing_in_source":
            decision = "dropped"
            reason = (
                "The state is absent from the complete UN list as of "
                f"{rules_as_of(un_list, compared['instrument'])}; a deposit on "
                f"{previous['deposited_on']} would be listed there. Our earlier row (from "
                "memory, not verified) is dropped."
            )
            rows.pop(key, None)
        elif compared["supplementary"]:
            decision = "kept_corroborated"
            reason = (
                "Newer than the UN list (S1 shows a signature only); the date is corroborated by "
                f"{compared['supplementary']} (supplementary_events.csv), so the row is kept and "
                "marked corroborated (verified=no)."
            )
        else:
            decision = "kept_unverified"
            reason = (
                "Newer than the UN list (S1 shows a signature only) and not corroborated by the "
                "shared sources: kept, marked 'unverified, not in the UN list'."
            )
            rule = rules[compared["instrument"]]
            earlier = rows[key]
            in_force = derived_entry_into_force(rule, previous["deposited_on"], previous["action"])
            rows[key] = earlier | {
                "action": previous["action"],
                "deposited_on": previous["deposited_on"],
                "in_force_on": in_force,
                "in_force_basis": _basis(previous["action"], in_force),
                "source": PROJECT_SOURCE,
                "source_ref": (f"{UNTC_REF}/project_{PROJECT_FILE_DATE}_participation.csv"),
                "as_of": previous["as_of"],
                "verified": "no",
                "note": f"unverified, not in the UN list; {previous['note']}",
            }
        resolutions.append(
            {
                "instrument": compared["instrument"],
                "state": compared["state"],
                "comparison": result,
                "ours": ours_text,
                "un_list": un_text,
                "decision": decision,
                "reason": reason,
            }
        )
    ordered = sorted(rows.values(), key=lambda r: (r["instrument"], r["state"]))
    return ordered, organizations, resolutions


def rules_as_of(un_list: Iterable[dict[str, str]], code: str) -> str:
    return max(r["source_as_of"] for r in un_list if r["instrument"] == code)


def build_declarations(
    key_declarations: Sequence[dict[str, str]],
    full_texts: Sequence[dict[str, str]],
    supplementary: Sequence[dict[str, str]],
    ours: Sequence[dict[str, str]],
    rules: dict[str, InstrumentRule],
) -> list[dict[str, str]]:
    rows: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for row in key_declarations:
        key = (row["instrument"], row["iso2"], row["kind"], row["article"])
        as_of = row["source_ref"].rsplit("(", 1)[-1].rstrip(")")
        rows[key] = {
            "instrument": row["instrument"],
            "state": row["iso2"],
            "kind": row["kind"],
            "article": row["article"],
            "languages": " ".join(row["languages"].split(";")) if row["languages"] else "",
            "text": row["quote"],
            "source": "S1-D",
            "source_ref": row["source_ref"],
            "source_url": rules[row["instrument"]].source_url,
            "as_of": as_of if len(as_of) == 10 else "2015-03-14",
            "verified": "yes",
            "note": "verbatim extract of the UNTC declarations text"
            + ("" if len(as_of) == 10 else f" ({as_of})"),
        }
    for row in full_texts:
        if row["iso2"] in ORGANIZATIONS:
            continue
        key = (row["instrument"], row["iso2"], "full_text", "")
        as_of = row["source_ref"].rsplit("(", 1)[-1].rstrip(")")
        rows[key] = {
            "instrument": row["instrument"],
            "state": row["iso2"],
            "kind": "full_text",
            "article": "",
            "languages": "",
            "text": row["text"],
            "source": "S1-D",
            "source_ref": row["source_ref"],
            "source_url": rules[row["instrument"]].source_url,
            "as_of": as_of if len(as_of) == 10 else "2015-03-14",
            "verified": "yes",
            "note": "UNTC 'Declarations and Reservations' section as scraped; objections, "
            "territorial applications and separate notifications are not included",
        }
    for event in supplementary:
        if event["action_kind"] != "territorial_application":
            continue
        key = (event["instrument"], event["iso2"], "territorial_application", "")
        rows[key] = {
            "instrument": event["instrument"],
            "state": event["iso2"],
            "kind": "territorial_application",
            "article": "",
            "languages": "",
            "text": event["note"],
            "source": event["source_id"],
            "source_ref": event["source_ref"],
            "source_url": rules[event["instrument"]].source_url,
            "as_of": f"{event['action_date']}",
            "verified": "yes",
            "note": f"territorial application deposited {event['action_date']}",
        }
    # Our earlier rows: kept where the UN texts say nothing of that kind, marked unverified.
    covered = {(k[0], k[1], k[2]) for k in rows}
    for row in ours:
        key = (row["instrument"], row["state"], row["kind"], row["article"])
        if (row["instrument"], row["state"], row["kind"]) in covered:
            continue
        rows[key] = {
            "instrument": row["instrument"],
            "state": row["state"],
            "kind": row["kind"],
            "article": row["article"],
            "languages": row["languages"],
            "text": row["text"],
            "source": PROJECT_SOURCE,
            "source_ref": f"{UNTC_REF}/project_{PROJECT_FILE_DATE}_declarations.csv",
            "source_url": row["source_url"],
            "as_of": PROJECT_FILE_DATE,
            "verified": "no",
            "note": "not in the UNTC declarations text of 2014 (S1-D), which omits separate "
            f"notifications; {row['note']}",
        }
    return [rows[key] for key in sorted(rows)]


def to_csv(rows: Iterable[dict[str, str]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def build_files(target: Path = DATA_DIR) -> dict[Path, str]:
    """The output files and their content (not written)."""
    rules = instrument_rules()
    un_list = read(UNTC_DIR / "all_instruments.csv")
    supplementary = read(UNTC_DIR / "supplementary_events.csv")
    participation, organizations, resolutions = build(
        un_list,
        supplementary,
        read(UNTC_DIR / "comparison_with_project.csv"),
        read(UNTC_DIR / f"project_{PROJECT_FILE_DATE}_participation.csv"),
        rules,
    )
    declarations = build_declarations(
        read(UNTC_DIR / "key_declarations.csv"),
        read(UNTC_DIR / "declarations_untc_2014.csv"),
        supplementary,
        read(UNTC_DIR / f"project_{PROJECT_FILE_DATE}_declarations.csv"),
        rules,
    )
    return {
        target / "participation.csv": to_csv(participation, PARTICIPATION_COLUMNS),
        target / "organizations.csv": to_csv(organizations, PARTICIPATION_COLUMNS),
        target / "declarations.csv": to_csv(declarations, DECLARATION_COLUMNS),
        target / "untc" / "resolutions.csv": to_csv(resolutions, RESOLUTION_COLUMNS),
    }
