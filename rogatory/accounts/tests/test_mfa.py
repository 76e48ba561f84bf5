"""Second factors: asked after the password, required where they must be, reset by
administrators without handing them the account (decision 0018)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from conftest import PASSWORD, Personas
from rogatory.accounts import security
from rogatory.accounts.actions import MemberChangeRefused
from rogatory.accounts.mfa import MFA_PENDING_KEY
from rogatory.accounts.models import User, UserSession
from rogatory.accounts.signals import credentials_reset
from rogatory.accounts.testing import force_login_unverified
from rogatory.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def sign_in(client: Client, user: User, next_url: str = "") -> Any:
    """The password step through the real login form."""
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def code_for(device: TOTPDevice) -> str:
    """The code the user's app shows now (django-otp's own TOTP)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def enrol_totp(client: Client, user: User) -> tuple[TOTPDevice, list[str]]:
    """Enrol an authenticator app through the pages; return it and the recovery codes shown."""
    assert client.get(reverse("mfa_totp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("mfa_totp_setup"), {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_recovery_codes")
    page = client.get(reverse("mfa_recovery_codes"))
    codes = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())
    device.refresh_from_db()
    return device, codes


def give_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def test_a_site_admin_is_sent_to_enrol_before_anything_else(
    client: Client, personas: Personas
) -> None:
    """After the password, a site administrator without a second factor can only enrol."""
    response = sign_in(client, personas.site_admin)
    assert response.status_code == 302
    for url in (reverse("authority_list"), reverse("home"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_enrol")), url
    assert client.get(reverse("mfa_enrol")).status_code == 200


def test_an_officer_of_an_authority_without_the_rule_works_without_a_second_factor(
    client: Client, personas: Personas
) -> None:
    sign_in(client, personas.officer)
    assert client.get(reverse("authority_list")).status_code == 200


def test_enrolling_an_app_gives_recovery_codes_audits_and_tells_the_user(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """The authority requires a second factor: the officer enrols, then works."""
    personas.authority_a.mfa_required = True
    personas.authority_a.save()
    sign_in(client, personas.officer)
    assert client.get(reverse("authority_list"))["Location"].startswith(reverse("mfa_enrol"))
    with django_capture_on_commit_callbacks(execute=True):
        device, codes = enrol_totp(client, personas.officer)
    assert device.confirmed and len(codes) == 10
    assert client.get(reverse("authority_list")).status_code == 200
    entry = AuditEntry.objects.get(action="security.mfa_enrolled")
    assert entry.object_ref == str(personas.officer.public_id) and entry.details["kind"] == "totp"
    assert [m.to for m in mail.outbox] == [[personas.officer.email]]
    # The codes are shown once.
    assert client.get(reverse("mfa_recovery_codes")).status_code == 302


def test_a_wrong_code_at_enrolment_confirms_nothing(client: Client, personas: Personas) -> None:
    sign_in(client, personas.site_admin)
    client.get(reverse("mfa_totp_setup"))
    response = client.post(reverse("mfa_totp_setup"), {"code": "000000"})
    assert response.status_code == 200 and b"not valid" in response.content
    assert not TOTPDevice.objects.filter(user=personas.site_admin, confirmed=True).exists()
    assert client.get(reverse("authority_list"))["Location"].startswith(reverse("mfa_enrol"))


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_one(
    client: Client, personas: Personas
) -> None:
    device = give_totp(personas.officer)
    response = sign_in(client, personas.officer, next_url=reverse("authority_list"))
    target = client.get(response["Location"])
    assert target.status_code == 302 and target["Location"].startswith(reverse("mfa_verify"))
    verify_url = target["Location"]
    # The menu of work is left out while the second factor is awaited.
    assert b'data-testid="nav-cases"' not in client.get(verify_url).content
    wrong = client.post(verify_url, {"code": "123456"})
    assert wrong.status_code == 200 and b"not valid" in wrong.content
    assert client.get(reverse("authority_list")).status_code == 302
    assert AuditEntry.objects.filter(action="security.mfa_failed").count() == 1
    # django-otp slows down guessing: right after a failure even the right code waits.
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    right = client.post(verify_url, {"code": code_for(device)})
    assert right.status_code == 302 and right["Location"] == reverse("authority_list")
    assert client.get(reverse("authority_list")).status_code == 200


def test_guessing_is_throttled(client: Client, personas: Personas) -> None:
    """After a wrong code the device refuses even the right one for a while."""
    device = give_totp(personas.officer)
    sign_in(client, personas.officer)
    client.post(reverse("mfa_verify"), {"code": "111111"})
    response = client.post(reverse("mfa_verify"), {"code": code_for(device)})
    assert response.status_code == 200 and b"Too many wrong codes" in response.content


def test_a_recovery_code_works_once(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    user = personas.officer
    give_totp(user)
    with django_capture_on_commit_callbacks(execute=True):
        codes = security.do_regenerate_recovery_codes(user)
    sign_in(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_verify"), {"code": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("authority_list")).status_code == 200
    assert AuditEntry.objects.filter(action="security.recovery_code_used").exists()
    assert "9 remain" in mail.outbox[-1].body
    other = Client()
    sign_in(other, user)
    again = other.post(reverse("mfa_verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert other.get(reverse("authority_list")).status_code == 302


def test_the_django_admin_needs_a_verified_second_factor(
    client: Client, personas: Personas
) -> None:
    """Staff whose session is not verified are not let in, even without the pending mark."""
    give_totp(personas.site_admin)
    force_login_unverified(client, personas.site_admin)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("mfa_verify"))
    session = client.session
    del session[MFA_PENDING_KEY]
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    verified = Client()
    verified.force_login(personas.site_admin)
    assert verified.get("/admin/").status_code == 200


def test_the_django_admin_cannot_change_users_or_the_authority_rule(
    client: Client, personas: Personas
) -> None:
    """A site administrator cannot move himself into an authority, set a password or an
    address there; the authority's second-factor rule is read-only."""
    client.force_login(personas.site_admin)
    me = personas.site_admin
    url = f"/admin/accounts/user/{me.pk}/change/"
    response = client.post(
        url, {"username": me.username, "authority": personas.authority_a.pk, "role": "officer"}
    )
    assert response.status_code == 403
    me.refresh_from_db()
    assert me.authority_id is None
    assert client.get(f"/admin/accounts/user/{personas.officer.pk}/password/").status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403
    page = client.get(f"/admin/accounts/authority/{personas.authority_a.pk}/change/")
    assert page.status_code == 200
    assert b'name="mfa_required"' not in page.content
    # Device models are not in the admin at all.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_an_authority_admin_requires_a_second_factor_of_every_member(
    client: Client, personas: Personas
) -> None:
    """Audited; members without one are signed out and must enrol at the next sign-in."""
    officer_client = Client()
    officer_client.force_login(personas.officer)
    give_totp(personas.supervisor)
    client.force_login(personas.authority_admin)
    url = reverse("authority_mfa", args=[personas.authority_a.code])
    assert client.post(url, {"mfa_required": "on"}).status_code == 302
    personas.authority_a.refresh_from_db()
    assert personas.authority_a.mfa_required
    entry = AuditEntry.objects.get(action="security.mfa_policy_changed")
    assert entry.details["mfa_required"] is True and entry.authority_id == personas.authority_a.pk
    assert officer_client.get(reverse("authority_list")).status_code == 302
    again = Client()
    sign_in(again, personas.officer)
    assert again.get(reverse("authority_list"))["Location"].startswith(reverse("mfa_enrol"))
    # Nothing changes a second time; no second entry.
    client.post(url, {"mfa_required": "on"})
    assert AuditEntry.objects.filter(action="security.mfa_policy_changed").count() == 1


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("outsider_admin", 404)])
def test_only_the_authoritys_administrators_set_the_rule(
    client: Client, personas: Personas, who: str, status: int
) -> None:
    client.force_login(getattr(personas, who))
    url = reverse("authority_mfa", args=[personas.authority_a.code])
    assert client.post(url, {"mfa_required": "on"}).status_code == status
    personas.authority_a.refresh_from_db()
    assert not personas.authority_a.mfa_required


def test_an_admin_reset_clears_the_factors_ends_sessions_and_the_member_enrols_himself(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    member = personas.officer
    give_totp(member)
    security.do_regenerate_recovery_codes(member)
    member_client = Client()
    member_client.force_login(member)
    received: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    credentials_reset.connect(listen)
    try:
        client.force_login(personas.authority_admin)
        url = reverse("member_reset_mfa", args=[personas.authority_a.code, member.public_id])
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 302
    finally:
        credentials_reset.disconnect(listen)
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticDevice.objects.filter(user=member, name="recovery").exists()
    assert not UserSession.objects.filter(user=member).exists()
    assert member_client.get(reverse("authority_list")).status_code == 302
    assert received == [
        {
            "signal": credentials_reset,
            "user": member,
            "acting_user": personas.authority_admin,
            "what": "mfa",
        }
    ]
    entry = AuditEntry.objects.get(action="security.mfa_reset")
    assert entry.actor_name == "admin_a" and entry.object_ref == str(member.public_id)
    assert (
        mail.outbox[-1].to == [member.email] and "reset the second factor" in mail.outbox[-1].body
    )
    # The member signs in with his password and must enrol a new factor himself; he sees why.
    again = Client()
    sign_in(again, member)
    enrol = again.get(reverse("authority_list"))
    assert enrol["Location"].startswith(reverse("mfa_enrol"))
    assert b"reset your second factor" in again.get(enrol["Location"]).content
    enrol_totp(again, User.objects.get(pk=member.pk))
    member.refresh_from_db()
    assert not member.mfa_enrolment_required
    security_page = again.get(reverse("account_security")).content.decode()
    assert "security.mfa_reset" in security_page and "admin_a" in security_page


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("officer", "supervisor", 403),
        ("outsider_admin", "officer", 404),
        ("authority_admin", "authority_admin", 403),
    ],
)
def test_resets_are_for_the_authoritys_administrators_on_others(
    client: Client, personas: Personas, who: str, target: str, status: int
) -> None:
    member = getattr(personas, target)
    give_totp(member)
    client.force_login(getattr(personas, who))
    for name in ("member_reset_mfa", "member_send_password_reset"):
        url = reverse(name, args=[personas.authority_a.code, member.public_id])
        assert client.post(url).status_code == status
    assert TOTPDevice.objects.filter(user=member).exists()
    assert not mail.outbox


def test_an_admin_sends_a_reset_link_to_the_members_own_address(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(personas.authority_admin)
    member = personas.officer
    url = reverse("member_send_password_reset", args=[personas.authority_a.code, member.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="security.password_reset_sent").count() == 1
    member.refresh_from_db()
    assert member.check_password(PASSWORD)  # nothing changes until the member acts


def test_the_last_factor_cannot_be_removed_where_one_is_required(personas: Personas) -> None:
    device = give_totp(personas.site_admin)
    with pytest.raises(MemberChangeRefused):
        security.do_remove_device(personas.site_admin, device)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_removing_a_factor_is_audited_and_ends_api_tokens_signal(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    user = personas.officer
    device = give_totp(user)
    security.do_regenerate_recovery_codes(user)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_device_remove"), {"device": device.persistent_id})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    # Without a factor, the recovery codes go too.
    assert not StaticDevice.objects.filter(user=user, name="recovery").exists()
    assert AuditEntry.objects.filter(action="security.mfa_removed").count() == 1


def test_someone_elses_device_cannot_be_removed(client: Client, personas: Personas) -> None:
    device = give_totp(personas.supervisor)
    client.force_login(personas.officer)
    assert (
        client.post(reverse("mfa_device_remove"), {"device": device.persistent_id}).status_code
        == 404
    )
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_registered_security_key_is_audited(personas: Personas) -> None:
    """The key itself is registered by django-otp-webauthn; our step records and notifies."""
    credential = WebAuthnCredential.objects.create(
        user=personas.officer,
        name="YubiKey",
        confirmed=True,
        credential_id=b"id",
        public_key=b"key",
        sign_count=0,
        transports=[],
    )
    codes = security.do_record_webauthn_enrolled(credential)
    assert len(codes) == 10
    assert AuditEntry.objects.get(action="security.mfa_enrolled").details["kind"] == "webauthn"


def test_the_demo_site_admin_gets_one_authenticator_key(personas: Personas) -> None:
    key = security.ensure_demo_totp(personas.site_admin)
    assert key == security.ensure_demo_totp(personas.site_admin)
    assert TOTPDevice.objects.filter(user=personas.site_admin, confirmed=True).count() == 1


def test_the_second_step_never_sends_away_from_the_site(client: Client, personas: Personas) -> None:
    device = give_totp(personas.officer)
    sign_in(client, personas.officer)
    response = client.post(
        reverse("mfa_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_background_fragments_are_refused_until_the_second_factor(
    client: Client, personas: Personas
) -> None:
    """An htmx request of a waiting session gets 403, not the second-factor page to swap in."""
    give_totp(personas.officer)
    sign_in(client, personas.officer)
    response = client.get(reverse("authority_list"), headers={"HX-Request": "true"})
    assert response.status_code == 403 and response.content == b""
