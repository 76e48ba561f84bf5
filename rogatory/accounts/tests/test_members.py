"""Authority administrators manage their members; nobody reaches another authority's."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, Personas
from rogatory.accounts.actions import MemberChangeRefused, do_update_member
from rogatory.accounts.models import Role, User
from rogatory.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def new_member_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "new.officer",
        "first_name": "Nadia",
        "last_name": "Haddad",
        "email": "nadia@example.org",
        "role": Role.OFFICER.value,
    }
    return data | overrides


def test_an_authority_admin_adds_a_member_who_gets_a_link_by_email(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    login(client, personas.authority_admin)
    url = reverse("member_create", args=[personas.authority_a.code])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(url, new_member_data())
    assert response.status_code == 302
    member = User.objects.get(username="new.officer")
    assert member.authority == personas.authority_a and not member.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", str(mail.outbox[0].body))
    assert link is not None
    # The link works: the new member chooses a password and can log in.
    response = client.get(link.group(1), follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a long new pass phrase", "new_password2": "a long new pass phrase"},
    )
    member.refresh_from_db()
    assert member.check_password("a long new pass phrase")
    entry = AuditEntry.objects.get(action="member.created")
    assert entry.actor_name == "admin_a" and entry.authority_id == personas.authority_a.pk


def test_a_duplicate_username_is_refused_and_nothing_is_created(
    client: Client, personas: Personas
) -> None:
    login(client, personas.authority_admin)
    url = reverse("member_create", args=[personas.authority_a.code])
    response = client.post(url, new_member_data(username="OFFICER_B"))
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    assert User.objects.count() == 6 and not mail.outbox


def test_an_admin_cannot_grant_site_administration(client: Client, personas: Personas) -> None:
    login(client, personas.authority_admin)
    url = reverse("member_create", args=[personas.authority_a.code])
    response = client.post(url, new_member_data(role=Role.SITE_ADMIN.value))
    assert response.status_code == 200
    assert not User.objects.filter(username="new.officer").exists()


@pytest.mark.parametrize("who", ["officer", "supervisor"])
def test_officers_and_supervisors_cannot_manage_members(
    client: Client, personas: Personas, who: str
) -> None:
    login(client, getattr(personas, who))
    assert client.get(reverse("member_create", args=[personas.authority_a.code])).status_code == 403
    url = reverse("member_detail", args=[personas.authority_a.code, personas.officer.public_id])
    response = client.post(url, {"first_name": "X", "last_name": "Y", "email": "x@y.org"})
    assert response.status_code == 403
    personas.officer.refresh_from_db()
    assert personas.officer.first_name == "Officer"


def test_outsiders_get_404_for_another_authoritys_members(
    client: Client, personas: Personas
) -> None:
    login(client, personas.outsider_admin)
    code = personas.authority_a.code
    assert client.get(reverse("authority_detail", args=[code])).status_code == 404
    assert client.get(reverse("member_create", args=[code])).status_code == 404
    url = reverse("member_detail", args=[code, personas.officer.public_id])
    assert client.post(url, {"role": Role.AUTHORITY_ADMIN.value}).status_code == 404
    # Nor through their own authority's URL with A's member.
    url = reverse("member_detail", args=[personas.authority_b.code, personas.officer.public_id])
    assert client.get(url).status_code == 404


def test_member_list_shows_only_colleagues(client: Client, personas: Personas) -> None:
    login(client, personas.supervisor)
    html = client.get(reverse("authority_detail", args=[personas.authority_a.code])).content
    assert b"officer_a" in html and b"officer_b" not in html
    assert b"Add a member" not in html


def test_an_admin_changes_a_role_and_the_change_is_audited(
    client: Client, personas: Personas
) -> None:
    login(client, personas.authority_admin)
    url = reverse("member_detail", args=[personas.authority_a.code, personas.officer.public_id])
    response = client.post(
        url,
        {
            "first_name": "Officer",
            "last_name": "Tester",
            "email": "officer_a@example.org",
            "role": Role.SUPERVISOR.value,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    personas.officer.refresh_from_db()
    assert personas.officer.role == Role.SUPERVISOR
    entry = AuditEntry.objects.get(action="member.updated")
    assert entry.details == {"role": ["officer", "supervisor"]}


def test_the_last_admin_cannot_be_demoted(personas: Personas) -> None:
    with pytest.raises(MemberChangeRefused):
        do_update_member(
            personas.authority_admin,
            acting_user=personas.site_admin,
            first_name="Admin",
            last_name="Tester",
            email="admin_a@example.org",
            role=Role.OFFICER,
            is_active=True,
        )


def test_nobody_deactivates_themselves(client: Client, personas: Personas) -> None:
    login(client, personas.authority_admin)
    me = personas.authority_admin
    response = client.post(
        reverse("member_detail", args=[personas.authority_a.code, me.public_id]),
        {"first_name": "A", "last_name": "B", "email": me.email, "role": me.role},
    )
    assert response.status_code == 200
    assert "cannot change your own role" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active


def test_csrf_is_enforced_on_writes(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.authority_admin)
    url = reverse("member_create", args=[personas.authority_a.code])
    assert client.post(url, new_member_data()).status_code == 403
    assert not User.objects.filter(username="new.officer").exists()


def test_login_and_logout(client: Client, personas: Personas) -> None:
    response = client.post(
        reverse("login"), {"username": "officer_a", "password": PASSWORD}, follow=True
    )
    assert response.context["user"] == personas.officer
    assert client.post(reverse("logout")).status_code == 302
    wrong = client.post(reverse("login"), {"username": "officer_a", "password": "wrong"})
    assert wrong.status_code == 200 and not wrong.context["user"].is_authenticated


def test_password_reset_sends_a_link(client: Client, personas: Personas) -> None:
    response = client.post(reverse("password_reset"), {"email": personas.officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body
