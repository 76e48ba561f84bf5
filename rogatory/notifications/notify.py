"""The one place that decides how a person hears of an event: an e-mail at once, a line in
tomorrow's digest, or only the work inbox (always there). Decision 0027."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import User
from rogatory.cases.models import Case

from .models import DEFAULTS, Delivery, Event, NotificationPreference, PendingNotification

# The sentence of an e-mail sent at once, in the reader's language; %(number)s is the version.
SENTENCES: dict[str, Any] = {
    Event.APPROVAL_REQUESTED: _("Version %(number)s of a request awaits your approval."),
    Event.RETURNED: _("Version %(number)s of your request was returned with remarks."),
    Event.APPROVED: _("Version %(number)s of your request was approved."),
    Event.ASSIGNED: _("You are now the officer responsible for this request."),
    Event.EXCHANGE_RECEIVED: _("The other state sent a message about this request."),
}


def preferences_for(user: User) -> dict[str, str]:
    """How ``user`` wants to hear of each event: their choices over the defaults."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "delivery"))
    return {event: chosen.get(event, default) for event, default in DEFAULTS.items()}


def delivery_for(user: User, event: str) -> str:
    chosen = (
        NotificationPreference.objects.filter(user=user, event=event)
        .values_list("delivery", flat=True)
        .first()
    )
    return chosen or DEFAULTS[event]


def absolute(path: str, site_url: str = "") -> str:
    """``path`` on the site: the request's address, else settings.SITE_URL."""
    base = site_url or settings.SITE_URL
    return base.rstrip("/") + path


def notify(
    user: User,
    event: Event,
    *,
    case: Case | None = None,
    params: dict[str, Any] | None = None,
    text: str = "",
    link: str = "",
    site_url: str = "",
) -> str:
    """Tell ``user`` of ``event`` as they chose; return the delivery used.

    At once: one e-mail in their language after the transaction commits (a mail never
    announces what was rolled back). Digest: a PendingNotification for the daily digest.
    ``link`` is a path on the site (the case page when not given).
    """
    if not user.is_active:
        return Delivery.NONE
    delivery = delivery_for(user, event)
    if delivery == Delivery.DIGEST:
        PendingNotification.objects.create(user=user, event=event, case=case)
    elif delivery == Delivery.AT_ONCE and user.email:
        if not link and case is not None:
            link = case.get_absolute_url()
        address = absolute(link, site_url) if link else ""
        values = dict(params or {})
        # robust: a mail server that fails must not undo what the commit kept (the caller's
        # clean-up would otherwise run on a version already saved).
        transaction.on_commit(
            lambda: _send_now(user, event, case, values, text, address), robust=True
        )
    return delivery


def _send_now(
    user: User, event: str, case: Case | None, params: dict[str, Any], text: str, link: str
) -> None:
    with translation.override(user.mail_language):
        what = str(SENTENCES.get(event, Event(event).label)) % params
        body = render_to_string(
            "notifications/email/event.txt",
            {
                "user": user,
                "case": case,
                "what": what,
                "text": text,
                "link": link,
                "settings_link": absolute(reverse("account_notifications"), _site(link)),
            },
        )
        subject = f"Rogatory: {case.our_reference} — {what}" if case else f"Rogatory: {what}"
        send_mail(subject, body, None, [user.email])


def _site(link: str) -> str:
    """The scheme and host of an absolute link ("" for a bare path)."""
    parts = link.split("/", 3)
    return "/".join(parts[:3]) if link.startswith(("http://", "https://")) else ""
