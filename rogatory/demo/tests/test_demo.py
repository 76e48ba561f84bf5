import pytest
from django.core.management import call_command

from rogatory.accounts.models import Authority, Role, User
from rogatory.demo.loaders import AUTHORITIES, DEMO_PASSWORD, load_demo_data

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_role_in_every_authority() -> None:
    load_demo_data(with_cases=False)
    assert Authority.objects.count() == len(AUTHORITIES) == 4
    for authority in Authority.objects.all():
        roles = set(authority.members.values_list("role", flat=True))
        assert roles == {Role.OFFICER, Role.SUPERVISOR, Role.AUTHORITY_ADMIN}
    admin = User.objects.get(role=Role.SITE_ADMIN)
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)


def test_loading_the_demo_twice_changes_nothing() -> None:
    load_demo_data(with_cases=False)
    before = list(User.objects.order_by("pk").values())
    authorities = list(Authority.objects.order_by("pk").values())
    load_demo_data(with_cases=False)
    assert list(User.objects.order_by("pk").values()) == before
    assert list(Authority.objects.order_by("pk").values()) == authorities


def test_the_command_prints_the_logins(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "claire.officer" in out and "site.admin" in out
