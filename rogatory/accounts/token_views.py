"""A member's API tokens: list, create (the secret is shown once), revoke.

Each member manages their own tokens only; a token acts as its user, with the user's role,
within its scopes, until it expires (decision 0019).
Site administrators who belong to no authority do no casework and have no tokens.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .actions import do_create_token, do_revoke_token
from .models import ApiToken, TokenScope, User, credential_stamp


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “case statistics export”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What the token may do"),
        choices=TokenScope.choices,
        initial=[TokenScope.CASES_READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Give a token only what its program needs."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.latest = today + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS)
        default = today + datetime.timedelta(days=settings.API_TOKEN_DAYS)
        expires = self.fields["expires_on"]
        expires.initial = default
        expires.widget.attrs.update(
            {
                "min": (today + datetime.timedelta(days=1)).isoformat(),
                "max": self.latest.isoformat(),
            }
        )
        expires.help_text = _(
            "The token stops working on this day: at most %(days)d days from today; left "
            "empty, %(default)s."
        ) % {"days": settings.API_TOKEN_MAX_DAYS, "default": formats.date_format(default)}
        if not user.can_write_cases:
            # A read-only role cannot write through a token either: do not offer it.
            scopes = self.fields["scopes"]
            assert isinstance(scopes, forms.MultipleChoiceField)
            scopes.choices = [c for c in TokenScope.choices if c[0].endswith(":read")]

    def clean_expires_on(self) -> datetime.date | None:
        expires_on: datetime.date | None = self.cleaned_data["expires_on"]
        if expires_on is not None and expires_on <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        if expires_on is not None and expires_on > self.latest:
            raise forms.ValidationError(
                _("A token lives at most %(days)d days: choose %(day)s or earlier.")
                % {"days": settings.API_TOKEN_MAX_DAYS, "day": formats.date_format(self.latest)}
            )
        return expires_on


def _member(request: HttpRequest) -> User:
    """The logged-in user, if they belong to an authority (tokens open casework only)."""
    user = request.user
    assert isinstance(user, User)
    if user.authority_id is None:
        raise PermissionDenied("API tokens are for members of an authority.")
    return user


def _list_page(
    request: HttpRequest, user: User, form: TokenForm, status: int = 200
) -> HttpResponse:
    tokens = list(ApiToken.objects.filter(user=user))
    stamp = credential_stamp(user.password)
    for token in tokens:
        # Made under an earlier password: dead even before anything marked it revoked.
        token.password_changed = token.password_stamp != stamp  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": tokens, "form": form, "today": timezone.localdate()},
        status=status,
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    return _list_page(request, user, TokenForm(user=user))


@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method != "POST":
        return _list_page(request, user, TokenForm(user=user))
    form = TokenForm(request.POST, user=user)
    if not form.is_valid():
        return _list_page(request, user, form, status=400)
    token, secret = do_create_token(user, **form.cleaned_data)
    # Rendered, not redirected: the secret is never stored, not even in the session.
    response = render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _member(request)
    try:
        token = ApiToken.objects.select_related("user").get(user=user, public_id=public_id)
    except ApiToken.DoesNotExist:
        raise Http404("No such token.") from None
    if do_revoke_token(token, acting_user=user):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("token_list")
