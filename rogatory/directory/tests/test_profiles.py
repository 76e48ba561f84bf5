"""Country profiles: ownership, versions and diff, freshness, export and import."""

from __future__ import annotations

import copy
import datetime
import io
import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, Personas
from rogatory.accounts.models import User
from rogatory.audit.models import AuditEntry
from rogatory.demo.loaders import PROFILES_DIR
from rogatory.directory.actions import import_profile
from rogatory.directory.documents import export_csv, export_profile, validate_document
from rogatory.directory.models import CompetentAuthority, CountryProfile, ProfileVersion


def login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def demo_document(state: str = "FR") -> dict[str, Any]:
    document: dict[str, Any] = json.loads((PROFILES_DIR / f"{state}.json").read_text("utf-8"))
    return document


@pytest.fixture
def france(personas: Personas) -> CountryProfile:
    profile = CountryProfile(state_id="FR")
    import_profile(profile, demo_document(), acting_user=personas.site_admin, reason="seed")
    return CountryProfile.objects.get(state_id="FR")


def authority_post(**overrides: str) -> dict[str, Any]:
    data = {
        "slug": "parquet-national-financier",
        "name_fr": "Parquet national financier",
        "kinds": ["mla"],
        "channels": ["direct"],
        "email": "pnf@example.org",
        "reason": "Designated in 2026",
    }
    return data | overrides


def test_state_admin_edits_own_profile_and_change_is_versioned(
    client: Client, personas: Personas, france: CountryProfile
) -> None:
    login(client, personas.authority_admin)  # administrator of an authority of France
    response = client.post(reverse("authority_create", args=["FR"]), authority_post())
    assert response.status_code == 302
    authority = CompetentAuthority.objects.get(profile=france, slug="parquet-national-financier")
    assert authority.name == "Parquet national financier"  # shown in English by fallback
    version = ProfileVersion.objects.get(profile=france, number=2)
    assert version.actor_name == personas.authority_admin.username
    assert version.reason == "Designated in 2026"
    entry = AuditEntry.objects.get(
        action="directory.profile_changed", object_ref="FR", details__version=2
    )
    assert entry.actor_id == personas.authority_admin.pk
    # The diff view shows what changed against version 1.
    page = client.get(reverse("profile_version", args=["FR", 2])).content.decode()
    assert "authorities[parquet-national-financier].names.fr" in page
    assert "Parquet national financier" in page
    # Saving the same content again stores no new version.
    client.post(
        reverse("authority_edit", args=["FR", "parquet-national-financier"]),
        authority_post(reason="again"),
    )
    assert france.versions.count() == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider_admin", 403), ("officer", 403), ("supervisor", 403), ("site_admin", 302)],
)
def test_only_the_states_administrators_may_edit(
    client: Client, personas: Personas, france: CountryProfile, persona: str, status: int
) -> None:
    login(client, getattr(personas, persona))  # outsider_admin administers a Kenyan authority
    before = export_profile(france)
    urls = [
        (reverse("authority_create", args=["FR"]), authority_post()),
        (
            reverse("profile_edit", args=["FR"]),
            {"summary": "x", "reason": "r", "languages_all": "en"},
        ),
        (reverse("measure_edit", args=["FR", "confiscation"]), {"possible": "true", "reason": "r"}),
        (reverse("authority_delete", args=["FR", "bepi"]), {"reason": "r"}),
    ]
    for url, data in urls:
        assert client.post(url, data).status_code == status, url
    if status == 403:
        assert export_profile(CountryProfile.objects.get(pk="FR")) == before


def test_kenyan_admin_edits_kenya(client: Client, personas: Personas) -> None:
    login(client, personas.outsider_admin)
    response = client.post(
        reverse("profile_edit", args=["KE"]),
        {"summary": "Kenya", "languages_all": "en sw", "reason": "first entry"},
    )
    assert response.status_code == 302
    profile = CountryProfile.objects.get(state_id="KE")
    assert sorted(profile.languages.values_list("language_id", flat=True)) == ["en", "sw"]
    bad = client.post(
        reverse("profile_edit", args=["KE"]),
        {"summary": "Kenya", "languages_all": "en xx-nope", "reason": "typo"},
    )
    assert "Unknown language codes: xx-nope." in bad.content.decode()


def test_public_sees_contact_essentials_only(client: Client, france: CountryProfile) -> None:
    html = client.get(reverse("profile_detail", args=["FR"])).content.decode()
    assert "entraide.demo@example.org" in html
    assert "Directly between central authorities" in html
    assert "French" in html
    assert "Duty officer" not in html  # 24/7 contact: logged-in users only
    assert 'data-testid="measures"' not in html
    assert "Log in to see" in html


def test_logged_in_user_sees_full_profile(
    client: Client, personas: Personas, france: CountryProfile
) -> None:
    login(client, personas.outsider)
    html = client.get(reverse("profile_detail", args=["FR"])).content.decode()
    assert "Duty officer" in html
    assert 'data-testid="measures"' in html
    assert "Required only for coercive measures" in html
    assert "Edit general information" not in html  # not theirs to edit


def test_stale_records_warn(
    client: Client, personas: Personas, france: CountryProfile, settings: Any
) -> None:
    settings.DIRECTORY_STALE_AFTER_DAYS = 365
    login(client, personas.officer)
    with time_machine.travel(datetime.date(2026, 11, 20)):
        html = client.get(reverse("profile_detail", args=["FR"])).content.decode()
    # The demo profile was verified on 2026-11-01; provisional arrest on 2024-01-15.
    assert html.count('data-testid="stale"') == 1
    assert "may be out of date" in html
    settings.DIRECTORY_STALE_AFTER_DAYS = 10
    with time_machine.travel(datetime.date(2026, 11, 20)):
        html = client.get(reverse("profile_detail", args=["FR"])).content.decode()
    assert html.count('data-testid="stale"') > 5


def test_json_export_validates_and_round_trips(personas: Personas, france: CountryProfile) -> None:
    document = export_profile(france)
    assert validate_document(document, "FR") == []
    assert document["version"] == 1
    profile = CountryProfile(state_id="FR")
    changed = copy.deepcopy(document)
    changed["summary"] = "Updated"
    import_profile(profile, changed, acting_user=personas.site_admin, reason="r")
    again = export_profile(CountryProfile.objects.get(pk="FR"))
    assert again["summary"] == "Updated"
    assert {k: v for k, v in again.items() if k not in {"summary", "version"}} == {
        k: v for k, v in document.items() if k not in {"summary", "version"}
    }


def upload(name: str, content: str | bytes) -> io.BytesIO:
    data = content.encode() if isinstance(content, str) else content
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_broken_json_import_changes_nothing_and_reports_each_problem(
    client: Client, personas: Personas, france: CountryProfile
) -> None:
    login(client, personas.authority_admin)
    before = export_profile(france)
    document = copy.deepcopy(before)
    document["authorities"][0]["email"] = "not an e-mail"
    document["authorities"][1]["kinds"] = ["mla", "telepathy"]
    document["measures"][0]["receiving_authority"] = "nobody"
    document["measures"][1]["dual_criminality"] = "sometimes"
    document["languages"].append({"instrument": "untoc", "language": "klingon-xx"})
    response = client.post(
        reverse("profile_import", args=["FR"]),
        {"file": upload("fr.json", json.dumps(document)), "reason": "update"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed" in html
    # Schema problems come first; the checks against the database run once the shape is right.
    assert "authorities[1].kinds[1]" in html
    assert "measures[1].dual_criminality" in html
    assert export_profile(CountryProfile.objects.get(pk="FR")) == before
    del document["authorities"][1]["kinds"]
    del document["measures"][1]["dual_criminality"]
    response = client.post(
        reverse("profile_import", args=["FR"]),
        {"file": upload("fr.json", json.dumps(document)), "reason": "update"},
    )
    html = response.content.decode()
    assert "authorities[0].email" in html
    assert "measures[0].receiving_authority" in html
    assert "No authority with the identifier nobody" in html
    assert "Unknown language code: klingon-xx." in html
    assert export_profile(CountryProfile.objects.get(pk="FR")) == before
    assert france.versions.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fr.json", "{not json", "Not a JSON document"),
        ("fr.json", "[" * 5000 + "]" * 5000, "nested more than 32 levels"),  # was a 500
        ("fr.json", '{"summary": "\\ud800"}', "(U+D800)"),
        ("fr.json", b"\xff\xfe\x00garbage", "not UTF-8"),
        ("fr.json", json.dumps({"schema": "rogatory.country-profile/1"}), "is a required property"),
        ("fr.csv", "a,b\n1,2\n", "header row"),
    ],
)
def test_unreadable_files_are_refused(
    client: Client,
    personas: Personas,
    france: CountryProfile,
    name: str,
    content: Any,
    message: str,
) -> None:
    login(client, personas.authority_admin)
    response = client.post(
        reverse("profile_import", args=["FR"]), {"file": upload(name, content), "reason": "r"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert france.versions.count() == 1


def test_import_for_another_state_is_refused(
    client: Client, personas: Personas, france: CountryProfile
) -> None:
    login(client, personas.site_admin)
    response = client.post(
        reverse("profile_import", args=["KE"]),
        {"file": upload("fr.json", json.dumps(export_profile(france))), "reason": "r"},
    )
    assert "This profile is for FR, not KE." in response.content.decode()
    assert not CountryProfile.objects.filter(pk="KE").exists()


def test_csv_export_and_import_with_row_level_messages(
    client: Client, personas: Personas, france: CountryProfile
) -> None:
    login(client, personas.authority_admin)
    exported = client.get(reverse("profile_export_csv", args=["FR", "measures"]))
    assert exported["Content-Type"].startswith("text/csv")
    text = exported.content.decode()
    assert text == export_csv(export_profile(france), "measures")
    lines = text.splitlines()
    assert lines[0].startswith("measure,possible,receiving_authority")
    # Break rows 2 and 4: an unknown authority and an invalid date.
    broken = [
        lines[0],
        lines[1].replace(",bepi,", ",ghost,", 1),
        lines[2],
        lines[3].replace("2026-11-01", "2026-13-45"),
    ]
    response = client.post(
        reverse("profile_import", args=["FR"]),
        {"file": upload("m.csv", "\n".join(broken) + "\n"), "reason": "r"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "row 2, receiving_authority" in html
    assert "row 4, last_verified_on" in html
    assert france.versions.count() == 1
    # A clean file with one row fewer replaces the measures and keeps the authorities.
    response = client.post(
        reverse("profile_import", args=["FR"]),
        {"file": upload("m.csv", "\n".join(lines[:-1]) + "\n"), "reason": "drop one"},
    )
    assert response.status_code == 302
    profile = CountryProfile.objects.get(pk="FR")
    assert profile.measures.count() == len(lines) - 2
    assert profile.authorities.count() == 2
    assert profile.versions.count() == 2


def test_directory_search_filters(client: Client, personas: Personas) -> None:
    for state in ("FR", "KE", "CO", "MA"):
        import_profile(
            CountryProfile(state_id=state),
            demo_document(state),
            acting_user=personas.site_admin,
            reason="seed",
        )
    url = reverse("directory_index")

    def names(**params: str) -> set[str]:
        response = client.get(url, params)
        return {a.slug for a in response.context["page"].object_list}

    assert names(state="KE") == {"central-authority", "ara"}
    assert names(kind="extradition", language="es") == {"minjusticia"}
    assert "dapg" in names(language="ar")
    assert names(instrument="uncac") == {"bepi", "central-authority", "fgn-dai", "dapg"}
    assert names(q="fiscalía") == {"fgn-dai"}
    assert names(q="مديرية") == {"dapg"}
    assert names(kind="no-such-kind") == names()
