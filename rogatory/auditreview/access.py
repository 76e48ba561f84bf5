"""Who may review which entries: an authority's administrators their authority's, site
administrators all; everyone else gets 404 (the page is not theirs to know of)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from rogatory.accounts.models import Role, User
from rogatory.audit.models import AccessEntry, AuditEntry


def review_scope(user: User) -> int | None:
    """The authority whose entries ``user`` reviews, None for all; Http404 for anyone else."""
    if user.is_site_admin:
        return None
    if user.role == Role.AUTHORITY_ADMIN and user.authority_id is not None:
        return user.authority_id
    raise Http404("No such page.")


def audit_entries_for_user(user: User) -> QuerySet[AuditEntry]:
    authority_id = review_scope(user)
    entries = AuditEntry.objects.all()
    return entries if authority_id is None else entries.for_authority(authority_id)


def access_entries_for_user(user: User) -> QuerySet[AccessEntry]:
    authority_id = review_scope(user)
    entries = AccessEntry.objects.all()
    return entries if authority_id is None else entries.for_authority(authority_id)
