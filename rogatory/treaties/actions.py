"""Changes to treaty data made through the UI (the shipped UN instruments load from files)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rogatory.accounts.models import User
from rogatory.audit.actions import record
from rogatory.reference.loaders import LANGUAGE_FIELDS

from .models import CooperationArticle, Instrument, Participation


@transaction.atomic
def do_create_treaty(data: dict[str, Any], *, acting_user: User) -> Instrument:
    """Create a bilateral or regional treaty in force between ``data["parties"]``."""
    instrument = Instrument(
        code=data["code"],
        kind=data["kind"],
        adopted_on=data.get("signed_on"),
        in_force_on=data["in_force_on"],
        source_url=data.get("source_url", ""),
        notes=data.get("notes", ""),
        as_of=timezone.localdate(),
        created_by_name=acting_user.get_username(),
    )
    # Entered in one language: shown in every language until someone translates it.
    for suffix in LANGUAGE_FIELDS.values():
        setattr(instrument, f"title_{suffix}", data["title"])
        setattr(instrument, f"short_title_{suffix}", data["short_title"])
        setattr(instrument, f"scope_{suffix}", data.get("scope", ""))
    instrument.save()
    article = data.get("articles") or "—"
    CooperationArticle.objects.bulk_create(
        CooperationArticle(instrument=instrument, kind=kind, article=article)
        for kind in data["kinds"]
    )
    Participation.objects.bulk_create(
        Participation(
            instrument=instrument,
            state=state,
            signed_on=data.get("signed_on"),
            action=Participation.Action.RATIFICATION,
            in_force_on=data["in_force_on"],
            source_url=data.get("source_url", ""),
            as_of=timezone.localdate(),
            verified=True,
            note=f"entered by {acting_user.get_username()}",
        )
        for state in data["parties"]
    )
    record(
        "treaties.treaty_created",
        acting_user=acting_user,
        authority_id=acting_user.authority_id,
        object_type="instrument",
        object_ref=instrument.code,
        details={"parties": [s.iso2 for s in data["parties"]], "kinds": data["kinds"]},
    )
    # The knowledge base presents every treaty record (in the six languages).
    from rogatory.knowledge.actions import do_sync_treaty_documents

    do_sync_treaty_documents([instrument], acting_user=acting_user)
    return instrument
