"""A request document that passes every completeness rule, and a profile that triggers them all.

Shared by the completeness, document and rendering tests: a rule added to ``rules/*.toml`` must
be satisfiable by this document (extend it if a new rule needs a new field).
"""

from __future__ import annotations

import copy
from typing import Any

from rogatory.drafting.completeness import ProfileContext, Requirement

_COMPLETE: dict[str, Any] = {
    "format": "rogatory-request",
    "format_version": 1,
    "kind": "mla",
    "language": "fr",
    "written_in": "en",
    "date": "2026-11-23",
    "reference": {"ours": "OUT-2026-00012", "theirs": ""},
    "requesting": {
        "state": "GB",
        "state_name": "United Kingdom",
        "authority": "UK Central Authority, Home Office",
        "conducting_authority": "Serious Fraud Office, Case Team 4",
    },
    "requested": {
        "state": "KE",
        "state_name": "Kenya",
        "authority": "Office of the Attorney General",
    },
    "legal_basis": {
        "instrument": "uncac",
        "title": "United Nations Convention against Corruption",
        "article": "art. 46",
        "note": "",
        "as_of": "2026-11-01",
    },
    "urgency": "urgent",
    "confidentiality": "confidential",
    "deadline": "2027-03-01",
    "subject": "Bribery of foreign public officials and laundering of the proceeds",
    "summary_of_facts": "Between 2021 and 2023, payments of USD 2.4 million were routed "
    "through shell companies to officials awarding a port contract.",
    "purpose": "To obtain admissible evidence of the payments for the trial.",
    "procedure": "Certified copies, with a certificate of authenticity from the bank.",
    "offences": [
        {
            "national_name": "Bribing a foreign public official",
            "national_provision": "Bribery Act 2010, s. 6",
            "iccs": "070311",
            "iccs_title": "Active bribery",
            # Bribery Act 2010, s. 11(1)(b): on indictment, up to ten years, a fine, or both.
            "max_penalty": {
                "kind": "deprivation_of_liberty",
                "maximum": 10,
                "unit": "years",
                "amount": None,
                "currency": "",
                "note": "or a fine, or both",
                "in_force_from": "2011-07-01",
                "in_force_until": None,
            },
        }
    ],
    "persons": [
        {
            "role": "suspect",
            "name": "John Example",
            "other_names": "J. Sample",
            "is_legal_person": False,
            "date_of_birth": "1970-05-04",
            "place_of_birth": "Mombasa",
            "nationality": "KE",
            "identity_document": "Passport A1234567",
            "location": "12 Harbour Road, Mombasa",
        },
        {
            "role": "asset_holder",
            "name": "Harbour Holdings Ltd",
            "other_names": "",
            "is_legal_person": True,
            "date_of_birth": None,
            "place_of_birth": "",
            "nationality": "KE",
            "identity_document": "Registration PVT-2019-04417",
            "location": "Harbour Towers, Moi Avenue, Mombasa",
        },
    ],
    "measures": [
        {
            "kind": "bank_records",
            "description": "Statements and opening documents",
            "details": {
                "institution": "Example Bank Kenya Ltd",
                "account": "0123456789",
                "holder": "Harbour Holdings Ltd",
                "period_from": "2021-01-01",
                "period_to": "2023-12-31",
            },
        },
        {
            "kind": "taking_evidence",
            "description": "",
            "details": {
                "witness": "Mary Witness, former accountant",
                "questions": ["Who instructed the payments?", "Who signed the invoices?"],
                "oath": True,
                "presence_of_officials": True,
                "videoconference": False,
            },
        },
        {
            "kind": "search_and_seizure",
            "description": "",
            "details": {"premises": "Offices at 5 Dock Street, Mombasa", "items": "Ledgers"},
        },
        {
            "kind": "service_of_documents",
            "description": "",
            "details": {
                "addressee": "Harbour Holdings Ltd",
                "documents": "Summons to appear",
                "address": "5 Dock Street, Mombasa",
            },
        },
        {
            "kind": "freezing",
            "description": "",
            "details": {
                "assets": "Balance of account 0123456789",
                "estimated_value": 2400000,
                "currency": "USD",
            },
        },
        {
            "kind": "provisional_arrest",
            "description": "",
            "details": {
                "person": "John Example",
                "warrant_reference": "WMC/2026/117",
                "warrant_date": "2026-10-02",
                "issuing_authority": "Westminster Magistrates' Court",
                "sentence": "",
            },
        },
        {"kind": "examination", "description": "Inspect the vessel MV Example.", "details": {}},
    ],
    "annexes": [{"title": "Arrest warrant", "kind": "court_order"}],
    "formalities": {
        "translation_attached": True,
        "translation_certified": True,
        "legalised": True,
        "undertakings": "The evidence will be used only for the proceedings described.",
    },
    "signatory": {"name": "A. Officer", "title": "Head of the UK Central Authority"},
    "contact": {
        "name": "B. Caseworker",
        "phone": "+44 20 7035 4040",
        "email": "ukca-mla@example.gov.uk",
    },
}

# A requested state that accepts French only and asks for everything a profile can ask for.
DEMANDING_PROFILE = ProfileContext(
    accepted_languages=("fr",),
    requirements=(
        Requirement(
            measure="bank_records",
            certified_translation=True,
            legalisation=True,
            undertakings="Specialty",
            dual_criminality="in_abstracto",
        ),
    ),
)


def complete_document() -> dict[str, Any]:
    """A fresh copy of the complete document (tests may change it)."""
    return copy.deepcopy(_COMPLETE)
