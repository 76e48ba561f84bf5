"""The reminders of the signed-in user, brought up to date from the requests whenever the page
is opened (``manage.py send_reminders`` writes them daily too, and e-mails them)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..models import Case, Reminder
from ..reminders import collect_for_user
from .common import acting_user

SHOWN = 300


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    collect_for_user(user)
    # A reminder stays with its user; the request may since have become hidden from them.
    mine = Reminder.objects.filter(user=user, case__in=Case.objects.for_user(user))
    mine = mine.select_related("case", "measure")
    context = {
        "unread": list(mine.filter(read_at__isnull=True).order_by("due_on", "id")[:SHOWN]),
        "read": list(mine.filter(read_at__isnull=False).order_by("-read_at", "-id")[:50]),
    }
    return render(request, "cases/reminders.html", context)


@login_required
@require_POST
def reminder_read(request: HttpRequest, reminder_id: int | None = None) -> HttpResponse:
    """Mark one reminder read, or all of the user's (no id)."""
    user = acting_user(request)
    mine = Reminder.objects.filter(user=user, read_at__isnull=True)
    if reminder_id is not None:
        mine = mine.filter(pk=get_object_or_404(Reminder, pk=reminder_id, user=user).pk)
    mine.update(read_at=timezone.now())
    return redirect("case_reminders")


urlpatterns = [
    path("cases/reminders/", reminder_list, name="case_reminders"),
    path("cases/reminders/read/", reminder_read, name="case_reminders_read_all"),
    path("cases/reminders/<int:reminder_id>/read/", reminder_read, name="case_reminder_read"),
]
