"""Changes to treaty data made through the UI (the shipped UN instruments load from files)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rogatory.accounts.models import User
from rogatory.audit.actions import record
from rogatory.reference.loaders import LANGUAGE_FIELDS, sync

from .imports import compare
from .loaders import participation_rows
from .models import ArticleText, CooperationArticle, Instrument, Participation, StatusListImport


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


# --- The text of the articles (issue 16, item 3; decision 0031) -------------------------------


@transaction.atomic
def do_save_article_text(
    instrument: Instrument, article: str, data: dict[str, Any], *, acting_user: User
) -> ArticleText:
    """Add or replace the text of ``article`` in ``data["language"]``, with its source.

    The text is kept as the administrator entered it (one paragraph per line); a reload of the
    shipped texts never overwrites it (decision 0031).
    """
    text = "\n".join(line.strip() for line in data["text"].splitlines() if line.strip())
    current = (
        ArticleText.objects.select_for_update()
        .filter(instrument=instrument, article=article, language=data["language"])
        .first()
    )
    previous = (
        {"origin": current.origin, "sha256": hashlib.sha256(current.text.encode()).hexdigest()}
        if current is not None
        else None
    )
    saved = current or ArticleText(
        instrument=instrument, article=article, language=data["language"]
    )
    digits = re.match(r"\d+", article)
    saved.position = int(digits.group()) if digits else 0
    saved.heading = data.get("heading", "")
    saved.text = text
    saved.source = data["source"]
    saved.source_url = data.get("source_url", "")
    saved.note = data.get("note", "")
    saved.origin = ArticleText.Origin.ADDED
    saved.added_by_name = acting_user.get_username()
    saved.save()
    record(
        "treaties.article_text_saved",
        acting_user=acting_user,
        authority_id=acting_user.authority_id,
        object_type="instrument",
        object_ref=instrument.code,
        details={
            "article": article,
            "language": data["language"],
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "source": data["source"],
            "replaced": previous,
        },
    )
    return saved


class StatusListChanged(Exception):
    """The recorded rows changed between the comparison and the application."""


@transaction.atomic
def do_preview_status_list(
    rows: list[dict[str, str]], *, file_name: str, reason: str, acting_user: User
) -> StatusListImport:
    """Store an uploaded (clean) status list with its comparison; nothing else changes."""
    diff = compare(rows)
    upload = StatusListImport.objects.create(
        actor_id=acting_user.pk,
        actor_name=acting_user.get_username(),
        reason=reason,
        file_name=file_name[:200],
        instruments=sorted({row["instrument"] for row in rows}),
        rows=rows,
        diff=diff.as_json(),
    )
    record(
        "treaties.status_list_compared",
        acting_user=acting_user,
        authority_id=acting_user.authority_id,
        object_type="status_list_import",
        object_ref=str(upload.pk),
        details={"instruments": upload.instruments, **diff.counts()},
    )
    return upload


@transaction.atomic
def do_apply_status_list(upload: StatusListImport, *, acting_user: User) -> StatusListImport:
    """Replace the recorded participation of the list's instruments by the list, if the
    recorded rows are still those it was compared with; the list becomes a numbered version."""
    upload = StatusListImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status != StatusListImport.Status.PREVIEW:
        raise StatusListChanged("already applied")
    if compare(upload.rows).as_json() != upload.diff:
        raise StatusListChanged("the recorded rows changed since the comparison")
    instruments = {i.code: i for i in Instrument.objects.filter(code__in=upload.instruments)}
    sync(
        Participation,
        participation_rows(instruments, upload.rows),
        key=("instrument_id", "state_id"),
        scope=Participation.objects.filter(instrument__code__in=upload.instruments),
    )
    last = StatusListImport.objects.aggregate(Max("number"))["number__max"] or 0
    upload.status = StatusListImport.Status.APPLIED
    upload.number = last + 1
    upload.applied_at = timezone.now()
    upload.save(update_fields=["status", "number", "applied_at"])
    record(
        "treaties.status_list_applied",
        acting_user=acting_user,
        authority_id=acting_user.authority_id,
        object_type="status_list_import",
        object_ref=str(upload.pk),
        details={"number": upload.number, "instruments": upload.instruments, **upload.counts()},
    )
    return upload
