"""The asset pages: officers write, supervisors read (403 on writes), outsiders get 404."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from rogatory.assets.actions import do_log_enquiry
from rogatory.assets.models import Asset, ExchangeRate, InformalEnquiry
from rogatory.reference.models import State

from .conftest import MakeAsset, MakeCase

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


ASSET_POST = {
    "kind": "real_estate",
    "description": "Villa, lot 12, land register of Antibes",
    "location_state": "FR",
    "holder": "SCI Les Pins",
    "value": "2500000.00",
    "currency": "EUR",
    "valued_on": "2026-05-01",
}


def test_officer_adds_an_asset_and_freezes_it(personas: Personas, make_case: MakeCase) -> None:
    case = make_case()
    officer = client_for(personas.officer)
    assert officer.get(reverse("asset_add", args=[case.public_id])).status_code == 200
    response = officer.post(reverse("asset_add", args=[case.public_id]), ASSET_POST)
    assert response.status_code == 302
    asset = Asset.objects.get(case=case)
    assert asset.value == Decimal("2500000.00")
    assert asset.authority_id == case.authority_id
    page = officer.get(case.get_absolute_url()).content.decode()
    assert "Villa, lot 12" in page and 'data-testid="assets-panel"' in page
    step = reverse("asset_step", args=[case.public_id, asset.public_id])
    response = officer.post(
        step,
        {
            "step": "freeze",
            "freeze-on": "2026-06-01",
            "freeze-ordering_authority": "Juge d'instruction, Nice",
            "freeze-expires_on": "2026-12-01",
            "freeze-amount": "2500000",
            "freeze-currency": "EUR",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    asset.refresh_from_db()
    assert asset.stage == "frozen" and asset.order_expires_on == datetime.date(2026, 12, 1)
    detail = officer.get(asset.get_absolute_url()).content.decode()
    assert "Juge d&#x27;instruction, Nice" in detail


def test_a_refused_step_says_why_and_saves_nothing(
    personas: Personas, make_asset: MakeAsset
) -> None:
    asset = make_asset()
    step = reverse("asset_step", args=[asset.case.public_id, asset.public_id])
    officer = client_for(personas.officer)
    response = officer.post(step, {"step": "return", "return-on": "2026-06-01"})
    assert response.status_code == 400
    assert "possible only when the asset is" in response.content.decode()
    response = officer.post(step, {"step": "freeze", "freeze-on": "not a date"})
    assert response.status_code == 400
    response = officer.post(step, {"step": "teleport"})
    assert response.status_code == 400
    response = officer.post(
        step,
        {
            "step": "freeze",
            "freeze-on": "2026-06-01",
            "freeze-ordering_authority": "C",
            "freeze-expires_on": "2026-05-01",
        },
    )
    assert response.status_code == 400
    assert "must expire after" in response.content.decode()
    asset.refresh_from_db()
    assert asset.stage == "identified" and not asset.events.exists()


def test_supervisor_reads_but_may_not_write(personas: Personas, make_asset: MakeAsset) -> None:
    asset = make_asset()
    case = asset.case
    supervisor = client_for(personas.supervisor)
    page = supervisor.get(asset.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="step-freeze"' not in page.content.decode()
    assert supervisor.get(reverse("asset_add", args=[case.public_id])).status_code == 403
    assert (
        supervisor.post(reverse("asset_add", args=[case.public_id]), ASSET_POST).status_code == 403
    )
    step = reverse("asset_step", args=[case.public_id, asset.public_id])
    assert supervisor.post(step, {"step": "trace", "trace-on": "2026-06-01"}).status_code == 403
    rate = {
        "from_currency": "USD",
        "to_currency": "EUR",
        "rate": "0.9",
        "on": "2026-06-01",
        "source": "ECB",
    }
    assert supervisor.post(reverse("asset_rate_add"), rate).status_code == 403
    enquiry = {
        "network": "carin",
        "counterpart_state": "CH",
        "sent_on": "2026-06-01",
        "subject": "?",
    }
    assert supervisor.post(reverse("enquiry_list"), enquiry).status_code == 403
    assert supervisor.get(reverse("enquiry_list")).status_code == 200
    assert Asset.objects.count() == 1 and not ExchangeRate.objects.exists()
    assert not InformalEnquiry.objects.exists()


def test_outsiders_get_404(personas: Personas, make_asset: MakeAsset) -> None:
    asset = make_asset()
    case = asset.case
    outsider = client_for(personas.outsider)
    assert outsider.get(asset.get_absolute_url()).status_code == 404
    assert outsider.get(reverse("asset_add", args=[case.public_id])).status_code == 404
    step = reverse("asset_step", args=[case.public_id, asset.public_id])
    assert outsider.post(step, {"step": "trace", "trace-on": "2026-06-01"}).status_code == 404
    # An asset of another case of the same authority is not this case's.
    officer = client_for(personas.officer)
    other = make_asset()
    wrong = reverse("asset_detail", args=[case.public_id, other.public_id])
    assert officer.get(wrong).status_code == 404
    # B's lists do not show A's assets, enquiries or rates.
    do_log_enquiry(
        personas.authority_a,
        fields={
            "network": "carin",
            "counterpart_state": State.objects.get(pk="CH"),
            "sent_on": datetime.date(2026, 6, 1),
            "subject": "Secret question",
        },
        acting_user=personas.officer,
    )
    assert "Geneva bank" not in outsider.get(reverse("asset_list")).content.decode()
    assert "Secret question" not in outsider.get(reverse("enquiry_list")).content.decode()
    enquiry = InformalEnquiry.objects.get()
    answer = reverse("enquiry_answer", args=[enquiry.public_id])
    assert outsider.post(answer, {"answered_on": "2026-06-02", "answer": "x"}).status_code == 404


def test_csrf_is_enforced(personas: Personas, make_asset: MakeAsset) -> None:
    asset = make_asset()
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer)
    step = reverse("asset_step", args=[asset.case.public_id, asset.public_id])
    assert client.post(step, {"step": "trace", "trace-on": "2026-06-01"}).status_code == 403
    assert (
        client.post(reverse("asset_add", args=[asset.case.public_id]), ASSET_POST).status_code
        == 403
    )
    assert client.post(reverse("enquiry_list"), {}).status_code == 403
    asset.refresh_from_db()
    assert asset.stage == "identified"


def test_list_totals_convert_only_with_a_rate(
    personas: Personas, make_asset: MakeAsset, django_assert_max_num_queries
) -> None:
    from rogatory.reference.models import Currency

    make_asset()  # 1,000,000 EUR
    make_asset(value=Decimal("200000"), currency=Currency.objects.get(pk="USD"))
    make_asset(value=Decimal("50000"), currency=Currency.objects.get(pk="CHF"))
    officer = client_for(personas.officer)
    response = officer.post(
        reverse("asset_rate_add"),
        {
            "from_currency": "USD",
            "to_currency": "EUR",
            "rate": "0.85",
            "on": "2026-06-01",
            "source": "ECB",
        },
    )
    assert response.status_code == 302
    with django_assert_max_num_queries(16):
        page = officer.get(reverse("asset_list") + "?in=EUR").content.decode()
    # 1,000,000 + 200,000 × 0.85 = 1,170,000 EUR; CHF listed apart.
    assert "1170000.0000 EUR" in page
    assert 'data-testid="unconverted"' in page and "50000" in page
    # An unknown currency is ignored rather than failing.
    assert officer.get(reverse("asset_list") + "?in=XYZ").status_code == 200
    # A bad rate is refused with a message, not a 500.
    bad = {"from_currency": "EUR", "to_currency": "EUR", "rate": "-1", "on": "x", "source": ""}
    assert officer.post(reverse("asset_rate_add"), bad).status_code == 302
    assert ExchangeRate.objects.count() == 1


def test_enquiries_are_logged_with_or_without_a_request(
    personas: Personas, make_case: MakeCase
) -> None:
    case = make_case(our_reference="IN-2026-77")
    officer = client_for(personas.officer)
    base = {
        "network": "arin_wa",
        "counterpart_state": "NG",
        "sent_on": "2026-06-01",
        "subject": "Who owns lot 12?",
    }
    assert officer.post(reverse("enquiry_list"), base).status_code == 302
    assert (
        officer.post(reverse("enquiry_list"), base | {"case_reference": "IN-2026-77"}).status_code
        == 302
    )
    assert (
        officer.post(reverse("enquiry_list"), base | {"case_reference": "NOPE"}).status_code == 400
    )
    assert list(InformalEnquiry.objects.values_list("case_id", flat=True).order_by("id")) == [
        None,
        case.pk,
    ]
    enquiry = InformalEnquiry.objects.filter(case=case).get()
    answer = reverse("enquiry_answer", args=[enquiry.public_id])
    officer.post(answer, {"answered_on": "2026-05-01", "answer": "Too early"})
    enquiry.refresh_from_db()
    assert enquiry.answered_on is None  # before it was sent: refused
    officer.post(answer, {"answered_on": "2026-06-03", "answer": "Mr X, through a trust"})
    enquiry.refresh_from_db()
    assert enquiry.answer == "Mr X, through a trust"
    assert "1 informal enquiry" in officer.get(case.get_absolute_url()).content.decode()


def test_a_second_answer_never_replaces_the_first(personas: Personas) -> None:
    """A stale page or a double click posts the answer form again: the recorded answer stays,
    and the officer is told why."""
    enquiry = do_log_enquiry(
        personas.authority_a,
        fields={
            "network": "carin",
            "counterpart_state": State.objects.get(pk="CH"),
            "sent_on": datetime.date(2026, 6, 1),
            "subject": "Beneficial owner of the account",
        },
        acting_user=personas.officer,
    )
    officer = Client()
    officer.force_login(personas.officer)
    answer = reverse("enquiry_answer", args=[enquiry.public_id])
    officer.post(answer, {"answered_on": "2026-06-02", "answer": "Company Y"})
    page = officer.post(answer, {"answered_on": "2026-06-03", "answer": "Nobody"}, follow=True)
    enquiry.refresh_from_db()
    assert (enquiry.answer, str(enquiry.answered_on)) == ("Company Y", "2026-06-02")
    assert "already has its answer" in page.content.decode()


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_case_panel_and_the_asset_page_cost_the_same_queries_whatever_the_number(
    personas: Personas, make_case: MakeCase, make_asset: MakeAsset
) -> None:
    """The case page with one asset or four; an asset page with one step or several naming
    another state: the same number of queries."""
    d = datetime.date
    one, four = make_case(), make_case()
    make_asset(case=one)
    for _n in range(4):
        make_asset(case=four)
    officer = client_for(personas.officer)
    assert _queries(officer, one.get_absolute_url()) == _queries(officer, four.get_absolute_url())

    confiscated = [
        ("freeze", d(2026, 3, 1), {"ordering_authority": "Court"}),
        (
            "confiscate",
            d(2026, 6, 1),
            {
                "confiscation_type": "criminal",
                "ordering_authority": "Court",
                "amount": Decimal("900"),
                "currency": "EUR",
            },
        ),
    ]
    share = (
        "share",
        d(2026, 7, 1),
        {
            "counterpart_state": "KE",
            "agreement": "MoU",
            "amount": Decimal("100"),
            "currency": "EUR",
        },
    )
    few = make_asset(steps=[*confiscated, share])
    many = make_asset(steps=[*confiscated, share])
    # The lifecycle allows one share; more lines naming other states, written directly.
    event = many.events.get(step="share")
    for code in ("DE", "CH", "US"):
        event.pk = None
        event.public_id = uuid.uuid4()
        event.details = {**event.details, "counterpart_state": code}
        event.save()
    assert _queries(officer, few.get_absolute_url()) == _queries(officer, many.get_absolute_url())


def test_the_answer_to_an_enquiry_is_a_form_like_the_others(personas: Personas) -> None:
    """Rendered from AnswerForm (labels, limits, ids of its own per enquiry), posted back;
    readers get no form."""
    enquiry = do_log_enquiry(
        personas.authority_a,
        fields={
            "network": "carin",
            "counterpart_state": State.objects.get(pk="CH"),
            "sent_on": datetime.date(2026, 6, 1),
            "subject": "Who holds account CH93?",
        },
        acting_user=personas.officer,
    )
    officer = client_for(personas.officer)
    page = officer.get(reverse("enquiry_list")).content.decode()
    assert f'id="answer-{enquiry.public_id}-answer"' in page
    assert (
        'maxlength="4000"'
        in page.split(f'id="answer-{enquiry.public_id}-answer"', 1)[0][-300:]
        + page.split(f'id="answer-{enquiry.public_id}-answer"', 1)[1][:300]
    )
    assert f'for="answer-{enquiry.public_id}-answered_on"' in page
    supervisor_page = client_for(personas.supervisor).get(reverse("enquiry_list")).content.decode()
    assert f"answer-{enquiry.public_id}-answer" not in supervisor_page
    response = officer.post(
        reverse("enquiry_answer", args=[enquiry.public_id]),
        {"answered_on": "2026-06-10", "answer": "Garnier Holding SA"},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.answered_on, enquiry.answer) == (
        datetime.date(2026, 6, 10),
        "Garnier Holding SA",
    )


def test_asset_recovery_watch_fields(personas: Personas, make_case: MakeCase) -> None:
    """Transit and bribe-payer states (several each) and the UNCAC offences (arts. 15–25)
    from the form to the page, in the convention's order; an unknown offence or state is
    refused with a message, never a 500."""
    case = make_case()
    officer = client_for(personas.officer)
    form = officer.get(reverse("asset_add", args=[case.public_id])).content.decode()
    assert "Art. 23 — Laundering of proceeds of crime" in form and 'name="transit_states"' in form
    data = ASSET_POST | {
        "transit_states": ["CY", "LU"],
        "bribe_payer_states": ["DE"],
        "uncac_offences": ["art23", "art16"],
    }
    assert officer.post(reverse("asset_add", args=[case.public_id]), data).status_code == 302
    asset = Asset.objects.get(case=case)
    assert set(asset.transit_states.values_list("pk", flat=True)) == {"CY", "LU"}
    assert list(asset.bribe_payer_states.values_list("pk", flat=True)) == ["DE"]
    assert asset.uncac_offences == ["art16", "art23"]
    page = officer.get(asset.get_absolute_url()).content.decode()
    transit = page.split('data-testid="asset-transit">', 1)[1].split("</dd>", 1)[0]
    assert "Cyprus" in transit and "Luxembourg" in transit
    offences = page.split('data-testid="asset-offences">', 1)[1].split("</dd>", 1)[0]
    assert offences.index("Art. 16") < offences.index("Art. 23")
    for bad in ({"uncac_offences": ["art99"]}, {"transit_states": ["ZZ"]}):
        response = officer.post(reverse("asset_add", args=[case.public_id]), ASSET_POST | bad)
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert Asset.objects.filter(case=case).count() == 1


def test_the_action_refuses_an_offence_outside_the_list(
    personas: Personas, make_case: MakeCase
) -> None:
    from rogatory.assets.actions import do_add_asset
    from rogatory.assets.lifecycle import StepRefused

    with pytest.raises(StepRefused):
        do_add_asset(
            make_case(),
            fields={
                "kind": "cash",
                "description": "Cash",
                "location_state": State.objects.get(pk="FR"),
                "uncac_offences": ["art14"],
            },
            acting_user=personas.officer,
        )
    assert not Asset.objects.exists()


def test_the_facts_of_an_asset_are_corrected_later(
    personas: Personas, make_asset: MakeAsset
) -> None:
    """The Asset Recovery Watch facts learned while tracing are added afterwards: one history
    line and one audit entry naming what changed; the stage does not move; a save without a
    change writes nothing; a supervisor may not edit (403)."""
    from rogatory.audit.models import AuditEntry

    asset = make_asset()
    url = reverse("asset_edit", args=[asset.case.public_id, asset.public_id])
    officer = client_for(personas.officer)
    form = officer.get(url).content.decode()
    assert "Shell Holdings Ltd" in form and "Edit the asset" in form
    same = {
        "kind": "account",
        "description": asset.description,
        "location_state": "CH",
        "holder": "Shell Holdings Ltd",
        "value": "1000000",
        "currency": "EUR",
        "valued_on": "2026-03-01",
    }
    assert officer.post(url, same).status_code == 302
    assert not AuditEntry.objects.filter(action="asset.updated").exists()
    changed = same | {"transit_states": ["CY"], "uncac_offences": ["art20"]}
    assert officer.post(url, changed).status_code == 302
    asset.refresh_from_db()
    assert asset.stage == "identified" and asset.uncac_offences == ["art20"]
    assert list(asset.transit_states.values_list("pk", flat=True)) == ["CY"]
    entry = AuditEntry.objects.get(action="asset.updated")
    assert set(entry.details["changes"]) == {"transit_states", "uncac_offences"}
    assert entry.details["changes"]["transit_states"] == [[], ["CY"]]
    assert "transit states" in officer.get(asset.case.get_absolute_url()).content.decode()
    supervisor = client_for(personas.supervisor)
    assert supervisor.post(url, changed | {"holder": "X"}).status_code == 403
    assert client_for(personas.outsider).get(url).status_code == 404
    bad = officer.post(url, same | {"value": "-1"})
    assert bad.status_code == 400
