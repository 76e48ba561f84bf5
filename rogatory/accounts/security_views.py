"""Pages of one's own account security, the second-factor steps of signing in, and the
administrators' resets (decision 0018)."""

from __future__ import annotations

import datetime
import json
from typing import Any
from uuid import UUID

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialRegistrationView

from rogatory.audit.models import AuditEntry

from . import security
from .access import get_authority_for_user, get_member_for_user
from .actions import MemberChangeRefused
from .mfa import (
    MFA_PENDING_KEY,
    has_second_factor,
    mfa_required_for,
    recovery_device,
    totp_devices,
    verifying_devices,
    webauthn_credentials,
)
from .models import User, UserSession

# Recovery codes made by the last step, shown once on the next page.
NEW_CODES_KEY = "_rg_new_recovery_codes"
# Sign-in events of the audit chain (rogatory.audit.security), shown on the security page.
SIGN_IN_ACTIONS = ["security.login", "security.login_failed", "security.logout"]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


# --- Signing in: the second step ---------------------------------------------------------


@never_cache
@login_required
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, a recovery code, or a security key."""
    user = _user(request)
    if user.is_verified() or (not verifying_devices(user) and not webauthn_credentials(user)):  # type: ignore[attr-defined]
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "").replace("-", "")
        throttled = False
        for device in verifying_devices(user):
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                otp_login(request, device)
                request.session.pop(MFA_PENDING_KEY, None)
                request.session.cycle_key()
                if isinstance(device, StaticDevice):
                    security.do_record_recovery_code_used(user, device)
                    messages.warning(
                        request,
                        _("You used a recovery code; %(count)s remain.")
                        % {"count": device.token_set.count()},
                    )
                return HttpResponseRedirect(_next_url(request))
        security.do_record_mfa_failure(user)
        form.add_error(
            "code",
            _("Too many wrong codes: wait a minute and try again.")
            if throttled
            else _(
                "This code is not valid. Enter the current code from your app, or a recovery code."
            ),
        )
    return render(
        request,
        "accounts/mfa_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_totp": bool(totp_devices(user)),
            "has_webauthn": bool(webauthn_credentials(user)),
        },
    )


@never_cache
@login_required
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """A user who must have a second factor and has none chooses one."""
    user = _user(request)
    if has_second_factor(user) and not request.session.get(MFA_PENDING_KEY):
        return redirect("account_security")
    return render(
        request,
        "accounts/mfa_enrol.html",
        {"next": _next_url(request), "reset_by_admin": user.mfa_enrolment_required},
    )


@never_cache
@login_required
def mfa_totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code (or type the key), confirm with a code."""
    user = _user(request)
    if has_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
        return redirect("mfa_verify")
    device = security.start_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = security.do_confirm_totp(device, form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code", _("This code is not valid. Check the time on your phone and try again.")
            )
        else:
            device.refresh_from_db()
            otp_login(request, device)
            request.session.pop(MFA_PENDING_KEY, None)
            messages.success(request, _("Your authenticator app is set up."))
            if codes:
                request.session[NEW_CODES_KEY] = codes
                return redirect("mfa_recovery_codes")
            return redirect("account_security")
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return render(
        request,
        "accounts/mfa_totp_setup.html",
        {
            "form": form,
            "qr": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4)),  # noqa: S308 - SVG made by segno from our URL
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@never_cache
@login_required
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes once; POST makes new ones (the old stop working)."""
    user = _user(request)
    if request.method == "POST":
        if not user.is_verified():  # type: ignore[attr-defined]
            raise PermissionDenied
        try:
            request.session[NEW_CODES_KEY] = security.do_regenerate_recovery_codes(user)
        except MemberChangeRefused as exc:
            messages.error(request, str(exc))
            return redirect("account_security")
        return redirect("mfa_recovery_codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("account_security")
    return render(
        request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": _next_url(request)}
    )


class CompleteRegistration(CompleteCredentialRegistrationView):
    """django-otp-webauthn's last registration step, then our audit entry and notice."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post(*args, **kwargs)
        if response.status_code == 200:
            credential = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
            codes = security.do_record_webauthn_enrolled(credential)
            if codes:
                self.request.session[NEW_CODES_KEY] = codes
            self.request.session.pop(MFA_PENDING_KEY, None)
        return response


@never_cache
@login_required
def mfa_webauthn_done(request: HttpRequest) -> HttpResponse:
    """Where the browser goes after registering a security key."""
    if request.session.get(NEW_CODES_KEY):
        return redirect("mfa_recovery_codes")
    messages.success(request, _("Your security key is set up."))
    return redirect("account_security")


# --- One's own account -------------------------------------------------------------------


@never_cache
@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    recovery = recovery_device(user)
    # The user's own security events and sign-ins (the sign-in events name the user by id).
    # Within the user's authority (indexed), newest first: the page reads a bounded slice.
    events = AuditEntry.objects.filter(
        Q(object_ref=str(user.public_id)) | Q(object_ref=str(user.pk), action__in=SIGN_IN_ACTIONS),
        authority_id=user.authority_id,
        object_type="user",
        action__startswith="security.",
    ).order_by("-sequence")[:10]
    return render(
        request,
        "accounts/security.html",
        {
            "totp_devices": totp_devices(user),
            "webauthn_credentials": webauthn_credentials(user),
            "recovery_left": recovery.token_set.count() if recovery else 0,
            "has_second_factor": has_second_factor(user),
            "required": mfa_required_for(user),
            "events": events,
            "webauthn_rp_id": settings.OTP_WEBAUTHN_RP_ID,
        },
    )


@login_required
@require_POST
def mfa_device_remove(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if has_second_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
        raise PermissionDenied
    wanted = request.POST.get("device", "")
    device = next(
        (
            d
            for d in (*totp_devices(user), *webauthn_credentials(user))
            if d.persistent_id == wanted
        ),
        None,
    )
    if device is None:
        raise Http404("No such device.")
    try:
        security.do_remove_device(user, device)
    except MemberChangeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The second factor was removed."))
    return redirect("account_security")


@never_cache
@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    """The user's sessions: browser, address, last activity; end one or all others."""
    user = _user(request)
    current = request.session.session_key
    if request.method == "POST":
        handle = request.POST.get("session", "")
        ended = security.do_end_sessions(
            user, handles=None if handle == "others" else [handle], current_key=current
        )
        if ended:
            messages.success(
                request,
                _("The session was ended.") if ended == 1 else _("The sessions were ended."),
            )
        return redirect("session_list")
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    sessions = UserSession.objects.filter(
        user=user, expire_date__gt=timezone.now(), last_activity__gte=cutoff
    ).order_by("-last_activity")
    rows = [
        {
            "handle": security.session_handle(s.session_key),
            "current": s.session_key == current,
            "browser": describe_user_agent(s.user_agent),
            "ip_address": s.ip_address,
            "last_activity": s.last_activity,
        }
        for s in sessions
    ]
    if current and not any(row["current"] for row in rows):
        # This session's row may not be written yet (a new session is saved after the page).
        rows.insert(
            0,
            {
                "handle": "",
                "current": True,
                "browser": describe_user_agent(request.META.get("HTTP_USER_AGENT", "")),
                "ip_address": request.META.get("REMOTE_ADDR"),
                "last_activity": timezone.now(),
            },
        )
    return render(request, "accounts/sessions.html", {"sessions": rows})


def describe_user_agent(agent: str) -> str:
    """ "Firefox on Windows" from a User-Agent header; the raw header is too long to read."""
    browsers = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    )
    systems = (
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for marker, name in browsers if marker in agent), "")
    system = next((name for marker, name in systems if marker in agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Set the interface language the way the language switcher does (its cookie, read by
    LocaleMiddleware); a blank or unknown language leaves the choice as it was."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return response


class LoginView(auth_views.LoginView):
    """Django's sign-in, then the interface in the user's own language if they chose one (the
    switcher still changes it for the session's browser afterwards)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        return remember_language(response, form.get_user().language)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, then: other sessions end, the user is told, it is audited."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security.do_record_password_changed(
            _user(self.request), current_key=self.request.session.session_key
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset by e-mailed link, then: every session ends, the user is told, audited."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security.do_record_password_reset(form.user)
        return response


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("New e-mail address"))
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if email.lower() == self.user.email.lower():
            raise forms.ValidationError(_("This is already your address."))
        return email


@never_cache
@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    """Ask to change one's e-mail address: a link goes to the new one, a notice to the old."""
    user = _user(request)
    form = EmailChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        security.do_request_email_change(
            user, new_email=form.cleaned_data["email"], site_url=_site_url(request)
        )
        messages.success(
            request,
            _("A link was sent to %(address)s. Your address changes when you follow it.")
            % {"address": form.cleaned_data["email"]},
        )
        return redirect("account_security")
    return render(request, "accounts/email_change.html", {"form": form})


@never_cache
@login_required
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm the new address (a POST from the page the link opens, signed in)."""
    user = _user(request)
    new_email = security.read_email_change_token(user, token)
    if new_email is None:
        return render(request, "accounts/email_change_confirm.html", {"invalid": True}, status=400)
    if request.method == "POST":
        security.do_confirm_email_change(user, new_email=new_email)
        messages.success(
            request, _("Your e-mail address is now %(address)s.") % {"address": new_email}
        )
        return redirect("account_security")
    return render(request, "accounts/email_change_confirm.html", {"new_email": new_email})


# --- Administrators ------------------------------------------------------------------------


@login_required
@require_POST
def authority_mfa(request: HttpRequest, code: str) -> HttpResponse:
    """Turn the authority's second-factor requirement on or off."""
    user = _user(request)
    authority, can_manage = get_authority_for_user(user, code)
    if not can_manage:
        raise PermissionDenied
    required = request.POST.get("mfa_required") == "on"
    if security.do_set_mfa_required(authority, required=required, acting_user=user):
        messages.success(
            request,
            _("Every member now needs a second factor.")
            if required
            else _("A second factor is now up to each member."),
        )
    return redirect(authority)


@login_required
@require_POST
def member_reset_mfa(request: HttpRequest, code: str, public_id: UUID) -> HttpResponse:
    user = _user(request)
    member, can_manage = get_member_for_user(user, code, str(public_id))
    if not can_manage or member.pk == user.pk:
        raise PermissionDenied
    security.do_reset_member_mfa(member, acting_user=user)
    messages.success(
        request,
        _("The second factor of %(name)s was reset; they set up a new one at their next sign-in.")
        % {"name": member},
    )
    return redirect(member)


@login_required
@require_POST
def member_send_password_reset(request: HttpRequest, code: str, public_id: UUID) -> HttpResponse:
    user = _user(request)
    member, can_manage = get_member_for_user(user, code, str(public_id))
    if not can_manage or member.pk == user.pk:
        raise PermissionDenied
    try:
        security.do_send_password_reset(member, acting_user=user, site_url=_site_url(request))
    except MemberChangeRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("A link to choose a new password was sent to %(address)s.")
            % {"address": member.email},
        )
    return redirect(member)
