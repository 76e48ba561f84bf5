"""A member's API tokens: list, create (the secret is shown once), revoke.

Each member manages their own tokens only; a token acts as its user, with the user's role.
Site administrators who belong to no authority do no casework and have no tokens.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .actions import do_create_token, do_revoke_token
from .models import ApiToken, User


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “case statistics export”."),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The token stops working on this day. Leave empty for no end."),
    )

    def clean_expires_on(self) -> datetime.date | None:
        expires_on: datetime.date | None = self.cleaned_data["expires_on"]
        if expires_on is not None and expires_on <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
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
    tokens = ApiToken.objects.filter(user=user)
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": tokens, "form": form, "today": timezone.localdate()},
        status=status,
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    return _list_page(request, user, TokenForm())


@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if request.method != "POST":
        return _list_page(request, user, TokenForm())
    form = TokenForm(request.POST)
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
