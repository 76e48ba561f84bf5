"""The Notifications page of one's account: always one's own settings, never another's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from rogatory.accounts.models import User
from rogatory.accounts.security_views import remember_language

from .actions import do_set_notification_preferences
from .forms import NotificationPreferencesForm
from .notify import preferences_for


@never_cache
@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["language"]
            do_set_notification_preferences(
                language=language, deliveries=form.deliveries(), acting_user=user
            )
            messages.success(request, _("Your notification settings are saved."))
            return remember_language(redirect("account_notifications"), language)
    else:
        form = NotificationPreferencesForm(
            initial={"language": user.language, **preferences_for(user)}
        )
    return render(request, "notifications/settings.html", {"form": form})
