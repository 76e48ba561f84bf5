"""Demonstration data: four central authorities of real states, with fictional people.

Each authority also gets requests to work on (``cases.py``): a year of casework for the French
one, a few requests for the others.

Loading is idempotent: existing rows are left as they are (passwords are not re-hashed), so
running ``make run`` twice changes nothing.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from rogatory.accounts.models import Authority, Role, User
from rogatory.accounts.security import ensure_demo_totp
from rogatory.demo.assets import load_demo_assets
from rogatory.demo.cases import load_demo_cases
from rogatory.directory.actions import import_profile
from rogatory.directory.documents import validate_document
from rogatory.directory.models import CompetentAuthority, CountryProfile
from rogatory.knowledge.actions import defer_indexing, do_save_judgment, drain_after_commit
from rogatory.knowledge.importing import import_path
from rogatory.knowledge.legal import Judgment

PROFILES_DIR = Path(__file__).resolve().parent / "data" / "profiles"
# The three seed UN documents (see their README for the sources).
KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "tests" / "seeds"
DEMO_KNOWLEDGE_DIR = Path(__file__).resolve().parent / "knowledge"

# Shown on the console by `make run` and in the README; demo installs only.
DEMO_PASSWORD = "rogatory-demo"


@dataclass(frozen=True)
class DemoAuthority:
    code: str
    state: str
    name: str
    email: str
    people: tuple[tuple[str, str, str, Role], ...]  # username, first name, last name, role


AUTHORITIES = (
    DemoAuthority(
        "fr-bepi",
        "FR",
        "Ministère de la Justice — Bureau de l'entraide pénale internationale",
        "entraide.demo@example.org",
        (
            ("claire.officer", "Claire", "Duval", Role.OFFICER),
            ("julien.officer", "Julien", "Bernard", Role.OFFICER),
            ("marc.supervisor", "Marc", "Lefèvre", Role.SUPERVISOR),
            ("anne.admin", "Anne", "Moreau", Role.AUTHORITY_ADMIN),
        ),
    ),
    DemoAuthority(
        "ke-odpp",
        "KE",
        "Office of the Director of Public Prosecutions — Central Authority",
        "mla.demo@example.org",
        (
            ("wanjiru.officer", "Wanjiru", "Kamau", Role.OFFICER),
            ("otieno.supervisor", "Otieno", "Ouma", Role.SUPERVISOR),
            ("achieng.admin", "Achieng", "Njoroge", Role.AUTHORITY_ADMIN),
        ),
    ),
    DemoAuthority(
        "co-fgn",
        "CO",
        "Fiscalía General de la Nación — Dirección de Asuntos Internacionales",
        "asistencia.demo@example.org",
        (
            ("lucia.officer", "Lucía", "Restrepo", Role.OFFICER),
            ("andres.supervisor", "Andrés", "Gómez", Role.SUPERVISOR),
            ("camila.admin", "Camila", "Rojas", Role.AUTHORITY_ADMIN),
        ),
    ),
    DemoAuthority(
        "ma-moj",
        "MA",
        "Ministère de la Justice — Direction des affaires pénales et des grâces",
        "cooperation.demo@example.org",
        (
            ("youssef.officer", "Youssef", "Benali", Role.OFFICER),
            ("fatima.supervisor", "Fatima", "El Idrissi", Role.SUPERVISOR),
            ("karim.admin", "Karim", "Alaoui", Role.AUTHORITY_ADMIN),
        ),
    ),
)
SITE_ADMIN = ("site.admin", "Sam", "Operator")


@transaction.atomic
def load_demo_data(
    *,
    with_cases: bool = True,
    with_knowledge: bool = True,
    only: Collection[str] | None = None,
) -> list[tuple[str, str, str]]:
    """Create the demo authorities, users and requests that are missing.

    Returns (login, role, authority) for each demo user. ``with_cases=False`` leaves out the
    year of requests (rogatory.demo.cases), which takes a few seconds, for tests that need
    only the authorities and users. ``only`` names the authorities to create: one node of a
    two-node exchange demo hosts its own state's authority and nobody else's casework.
    """
    if only is not None:
        unknown = set(only) - {demo.code for demo in AUTHORITIES}
        if unknown:
            raise ValueError(f"no demo authority {sorted(unknown)}")
    logins: list[tuple[str, str, str]] = []
    for demo in AUTHORITIES:
        if only is not None and demo.code not in only:
            continue
        authority, _created = Authority.objects.get_or_create(
            code=demo.code,
            defaults={"state_id": demo.state, "name": demo.name, "email": demo.email},
        )
        for username, first, last, role in demo.people:
            _ensure_user(username, first, last, role, authority)
            logins.append((username, str(role.label), authority.name))
    username, first, last = SITE_ADMIN
    operator = _ensure_user(username, first, last, Role.SITE_ADMIN, None)
    logins.append((username, str(Role.SITE_ADMIN.label), "—"))
    # A site administrator always signs in with a second factor (decision 0018).
    demo_totp_key(operator)
    load_demo_profiles(operator)
    if with_knowledge:
        load_demo_knowledge(operator)
    if with_cases:
        # Requests go last: they name the users and the directory's central authorities.
        load_demo_cases()
        load_demo_assets()
    return logins


def demo_totp_key(operator: User) -> str:
    """The key of the demo site administrator's authenticator app, made once (base32)."""
    return ensure_demo_totp(operator)


def judgment_from_dict(item: dict) -> Judgment:
    """A judgment of demo/knowledge/judgments.json (tags as lists, the date as YYYY-MM-DD)."""
    fields = dict(item)
    fields["date"] = datetime.date.fromisoformat(item["date"]) if item.get("date") else None
    for name in ("tags", "iccs", "implements"):
        fields[name] = tuple(item.get(name, ()))
    return Judgment(**fields)


def load_demo_knowledge(operator: User) -> None:
    """Import the seed UN documents into the knowledge base (files already there are skipped).

    The search index follows after the commit (the outbox is drained then).
    """
    for folder in (KNOWLEDGE_DIR, DEMO_KNOWLEDGE_DIR):
        report = import_path(folder, acting_user=operator, drain=False)
        if report.skipped:
            raise ValueError(f"Knowledge seeds not imported: {report.skipped}")
    with defer_indexing():
        items = json.loads((DEMO_KNOWLEDGE_DIR / "judgments.json").read_text())
        for item in items:
            do_save_judgment(
                judgment_from_dict(item), source_name="demo judgments.json", acting_user=operator
            )
    transaction.on_commit(drain_after_commit)


def load_demo_profiles(operator: User) -> None:
    """Import the demo country profiles of states that have none yet."""
    tenants = {
        a.state_id: a for a in Authority.objects.filter(code__in=[d.code for d in AUTHORITIES])
    }
    for path in sorted(PROFILES_DIR.glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        state_id = document["state"]
        if CountryProfile.objects.filter(state_id=state_id).exists():
            continue
        problems = validate_document(document, state_id)
        if problems:
            raise ValueError(f"{path.name}: {problems}")
        profile = CountryProfile(state_id=state_id)
        import_profile(profile, document, acting_user=operator, reason="Demo data")
        central = CompetentAuthority.objects.filter(profile_id=state_id, is_central=True).first()
        if central is not None and state_id in tenants:
            central.platform_authority = tenants[state_id]
            central.save(update_fields=["platform_authority"])


def _ensure_user(
    username: str, first: str, last: str, role: Role, authority: Authority | None
) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.org",
        role=role,
        authority=authority,
        is_staff=role == Role.SITE_ADMIN,
        is_superuser=role == Role.SITE_ADMIN,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user
