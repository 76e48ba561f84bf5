"""Demonstration asset recovery: two requests of the French authority followed to their assets.

* Incoming from Nigeria (UNCAC art. 55 and 57): a Paris flat bought with embezzled public
  funds (moved through the Emirates and Mauritius), traced, frozen, confiscated, sold, and
  the proceeds returned under art. 57(3)(a) with reasonable expenses deducted (57(4)) under
  a 57(5) arrangement with agreed end use;
  and a bank account frozen whose order lapses in a few days (the warning and the reminder).
* Outgoing to Switzerland: after an informal CARIN enquiry, a Geneva account frozen and a car
  seized, the figures in euros and Swiss francs with an exchange rate entered by the officer.

Written through the actions (history, audit) like the rest of the demo; skipped when the
authority already has assets, so loading twice changes nothing. All names are invented.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from rogatory.accounts.models import Authority, User
from rogatory.assets.actions import do_add_asset, do_add_rate, do_log_enquiry, do_take_step
from rogatory.assets.models import Asset
from rogatory.cases.actions import do_register_case
from rogatory.cases.choices import Direction
from rogatory.reference.models import Currency, State


def load_demo_assets(today: datetime.date | None = None) -> int:
    """Add the two asset-recovery requests of ``fr-bepi``; return how many assets were added."""
    authority = Authority.objects.filter(code="fr-bepi").first()
    if authority is None or Asset.objects.filter(authority=authority).exists():
        return 0
    officer = User.objects.get(username="claire.officer")
    today = today or timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    eur, usd, chf = (Currency.objects.get(pk=c) for c in ("EUR", "USD", "CHF"))
    state = State.objects.get

    nigeria = do_register_case(
        authority,
        direction=Direction.INCOMING,
        fields={
            "kind": "asset_recovery",
            "subject": "Confiscation and return of embezzled pension funds (Federal Pension Board)",
            "summary_of_facts": (
                "A former director of the pension board diverted public pension contributions "
                "through contractors' accounts and bought a flat in Paris with the proceeds."
            ),
            "purpose": "To freeze, confiscate and return the proceeds (UNCAC arts. 54, 55, 57).",
            "requesting_state_id": "NG",
            "requesting_authority_name": "Federal Ministry of Justice — Central Authority Unit",
            "received_on": ago(330),
            "officer_id": officer.pk,
        },
        acting_user=officer,
        offences=[
            {
                "national_name": "Criminal breach of trust by a public servant",
                "national_provision": "Criminal Code Act, s. 315",
                "iccs_id": "07032",
            },
            {
                "national_name": "Money laundering",
                "national_provision": "Money Laundering (Prohibition) Act 2022, s. 18",
                "iccs_id": "07041",
            },
        ],
        persons=[{"role": "suspect", "name": "Ibrahim Adeyemi-Cole"}],
        measures=[
            {"kind": "tracing_proceeds", "description": ""},
            {"kind": "confiscation", "description": ""},
            {"kind": "return_of_assets", "description": ""},
        ],
    )
    flat = do_add_asset(
        nigeria,
        fields={
            "kind": "real_estate",
            "description": "Flat, 4th floor, 12 rue des Acacias, Paris 17e (land register 17-0452)",
            "location_state": state(pk="FR"),
            "holder": "SCI Acacias Patrimoine",
            "value": Decimal("1450000.00"),
            "currency": eur,
            "valued_on": ago(320),
            "uncac_offences": ["art17", "art23"],
            "transit_states": [state(pk="AE"), state(pk="MU")],
        },
        acting_user=officer,
    )
    steps = [
        ("trace", ago(315), {}, "Beneficial owner confirmed through the company register."),
        (
            "freeze",
            ago(300),
            {
                "order_reference": "JI-PAR-2025-0193",
                "ordering_authority": "Juge d'instruction, tribunal judiciaire de Paris",
                "amount": Decimal("1450000.00"),
                "currency": eur,
            },
            "",
        ),
        (
            "confiscate",
            ago(160),
            {
                "confiscation_type": "criminal",
                "order_reference": "TJ-PAR-32-2026-41",
                "ordering_authority": "Tribunal judiciaire de Paris, 32e chambre",
                "amount": Decimal("1450000.00"),
                "currency": eur,
            },
            "",
        ),
        (
            "manage",
            ago(150),
            {"manager": "AGRASC", "amount": Decimal("18400.00"), "currency": eur},
            "",
        ),
        (
            "dispose",
            ago(90),
            {"amount": Decimal("1380000.00"), "currency": eur},
            "Sold at auction.",
        ),
        (
            "return",
            ago(20),
            {
                "return_category": "57_3_a",
                "counterpart_state": state(pk="NG"),
                "agreement": "Arrangement under UNCAC art. 57(5) signed in Abuja",
                "amount": Decimal("1336600.00"),
                "currency": eur,
                "expenses_deducted": Decimal("43400.00"),
                "end_use": "Arrears paid to pensioners, monitored by a civil-society panel",
            },
            "Expenses: management 18,400 EUR, auction and legal costs 25,000 EUR.",
        ),
    ]
    for name, on, data, note in steps:
        do_take_step(flat, name, on=on, data=data, note=note, acting_user=officer)
    account = do_add_asset(
        nigeria,
        fields={
            "kind": "account",
            "description": "Current account FR76 3000 4000 0500 0012 3456 789 at a Paris bank",
            "location_state": state(pk="FR"),
            "holder": "Sunrise Consulting SARL",
            "value": Decimal("212000.00"),
            "currency": usd,
            "valued_on": ago(170),
            "uncac_offences": ["art17", "art23", "art24"],
        },
        acting_user=officer,
    )
    do_take_step(
        account,
        "freeze",
        on=ago(175),
        data={
            "order_reference": "JI-PAR-2025-0193-2",
            "ordering_authority": "Juge d'instruction, tribunal judiciaire de Paris",
            "expires_on": today + datetime.timedelta(days=4),
            "amount": Decimal("212000.00"),
            "currency": usd,
        },
        acting_user=officer,
    )

    switzerland = do_register_case(
        authority,
        direction=Direction.OUTGOING,
        fields={
            "kind": "asset_recovery",
            "subject": "Tracing and freezing of bribes paid for a public works contract",
            "summary_of_facts": (
                "Bribes paid to a French mayor for a tramway contract were moved to Geneva."
            ),
            "purpose": "To freeze the Geneva account and the car bought with the bribes.",
            "requested_state_id": "CH",
            "officer_id": officer.pk,
        },
        acting_user=officer,
        offences=[
            {
                "national_name": "Corruption passive par personne exerçant une fonction publique",
                "national_provision": "Code pénal, art. 432-11",
                "iccs_id": "070312",
            }
        ],
        persons=[{"role": "suspect", "name": "Pierre Garnier"}],
        measures=[
            {"kind": "bank_records", "description": ""},
            {"kind": "freezing", "description": ""},
        ],
    )
    do_log_enquiry(
        authority,
        fields={
            "network": "carin",
            "counterpart_state": state(pk="CH"),
            "sent_on": ago(70),
            "subject": "Accounts held in Geneva by Mr P. Garnier or companies he controls?",
            "answered_on": ago(62),
            "answer": "One account at a Geneva private bank; freezing it needs a formal request.",
        },
        case=switzerland,
        acting_user=officer,
    )
    do_log_enquiry(
        authority,
        fields={
            "network": "arin_wa",
            "counterpart_state": state(pk="SN"),
            "sent_on": ago(12),
            "subject": "Real estate in Dakar registered to Sunrise Consulting SARL?",
        },
        acting_user=officer,
    )
    geneva = do_add_asset(
        switzerland,
        fields={
            "kind": "account",
            "description": "Account at a Geneva private bank, opened in 2019",
            "location_state": state(pk="CH"),
            "holder": "Garnier Holding SA",
            "value": Decimal("640000.00"),
            "currency": chf,
            "valued_on": ago(60),
            "uncac_offences": ["art15", "art23"],
            "transit_states": [state(pk="LU")],
            "bribe_payer_states": [state(pk="FR"), state(pk="ES")],
        },
        acting_user=officer,
    )
    do_take_step(geneva, "trace", on=ago(58), data={}, acting_user=officer)
    do_take_step(
        geneva,
        "freeze",
        on=ago(30),
        data={
            "ordering_authority": "Ministère public de la République et canton de Genève",
            "expires_on": today + datetime.timedelta(days=150),
            "amount": Decimal("640000.00"),
            "currency": chf,
        },
        acting_user=officer,
    )
    car = do_add_asset(
        switzerland,
        fields={
            "kind": "vehicle",
            "description": "Porsche 911, registration GE 123 456",
            "location_state": state(pk="CH"),
            "holder": "P. Garnier",
            "value": Decimal("95000.00"),
            "currency": chf,
            "valued_on": ago(30),
        },
        acting_user=officer,
    )
    do_take_step(
        car,
        "seize",
        on=ago(28),
        data={"ordering_authority": "Police judiciaire, Genève", "expires_on": ago(-90)},
        acting_user=officer,
    )
    do_add_rate(
        authority,
        from_currency=chf,
        to_currency=eur,
        rate=Decimal("1.0650"),
        on=ago(30),
        source="Banque de France, taux de référence de la BCE",
        acting_user=officer,
    )
    return Asset.objects.filter(authority=authority).count()
