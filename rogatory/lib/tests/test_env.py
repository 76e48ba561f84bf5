import pytest
from django.core.exceptions import ImproperlyConfigured

from rogatory.lib.env import Env


def test_booleans_accept_the_usual_spellings() -> None:
    env = Env({"A": "yes", "B": "0", "C": " TRUE "})
    assert env.boolean("A", False) is True
    assert env.boolean("B", True) is False
    assert env.boolean("C", False) is True
    assert env.boolean("MISSING", True) is True


def test_a_nonsense_boolean_is_refused_with_its_name() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG must be a boolean.*'maybe'"):
        Env({"DEBUG": "maybe"}).boolean("DEBUG", False)


def test_integers_are_checked() -> None:
    assert Env({"N": "42"}).integer("N", 1) == 42
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be an integer"):
        Env({"EMAIL_PORT": "smtp"}).integer("EMAIL_PORT", 25)
    with pytest.raises(ImproperlyConfigured, match="at least 300"):
        Env({"AGE": "5"}).integer("AGE", 600, minimum=300)


def test_lists_are_split_on_commas() -> None:
    assert Env({"HOSTS": "a.org, b.org,,"}).csv_list("HOSTS", []) == ["a.org", "b.org"]
    assert Env({}).csv_list("HOSTS", ["x"]) == ["x"]


def test_database_urls_for_sqlite_and_postgresql() -> None:
    env = Env({"PG": "postgres://u@127.0.0.1:5432/rog"})
    assert env.database("PG", "")["ENGINE"] == "django.db.backends.postgresql"
    assert env.database("NONE", "sqlite:////srv/x.sqlite3")["NAME"] == "/srv/x.sqlite3"


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/x", "nonsense", "postgres://u@127.0.0.1:5432/"]
)
def test_unusable_database_urls_are_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        Env({"DATABASE_URL": url}).database("DATABASE_URL", "")
