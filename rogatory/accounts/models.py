"""Tenancy: authorities, and the users who work for them in a role."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUTHORITY_ADMIN = "authority_admin", _("Authority administrator")
    SITE_ADMIN = "site_admin", _("Site administrator")


# Roles that belong to one authority; a site administrator may belong to none.
AUTHORITY_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.AUTHORITY_ADMIN)


class AuthorityQuerySet(models.QuerySet["Authority"]):
    def for_user(self, user: User) -> AuthorityQuerySet:
        """Authorities ``user`` may see: their own, or all for a site administrator."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_site_admin:
            return self.all()
        return self.filter(pk=user.authority_id)


class Authority(models.Model):
    """The tenant: an office that sends, receives or executes requests, e.g. a central authority."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central authority")
        PROSECUTION = "prosecution", _("Prosecution service")
        COURT = "court", _("Court")
        MINISTRY = "ministry", _("Ministry")
        OTHER = "other", _("Other competent authority")

    # Readable, stable, public identifier used in URLs (e.g. "fr-bepi").
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=250)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="authorities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CENTRAL)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Every member must sign in with a second factor (set by do_set_mfa_required, audited).
    mfa_required = models.BooleanField(_("second factor required"), default=False)

    objects = AuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["state_id", "code"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("authority_detail", args=[self.code])


class UserQuerySet(models.QuerySet["User"]):
    def for_user(self, user: User) -> UserQuerySet:
        """Users ``user`` may see: colleagues of the same authority, or all for a site admin."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_site_admin:
            return self.all()
        if user.authority_id is None:
            return self.none()
        return self.filter(authority_id=user.authority_id)


class RogatoryUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person working for one authority in one role."""

    # Opaque identifier for URLs; usernames and serial ids stay out of them.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("authority"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    # Set when an administrator reset the second factor: the user enrols a new one himself at
    # the next sign-in, whatever the authority requires (decision 0018).
    mfa_enrolment_required = models.BooleanField(default=False, editable=False)
    # The language of the user's e-mails and, at sign-in, of the interface; blank: the site's.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    objects: ClassVar[RogatoryUserManager] = RogatoryUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="site_admin") | models.Q(authority__isnull=False),
                name="authority_role_needs_authority",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        assert self.authority is not None
        return reverse("member_detail", args=[self.authority.code, self.public_id])

    @property
    def is_site_admin(self) -> bool:
        return self.role == Role.SITE_ADMIN or self.is_superuser

    @property
    def can_write_cases(self) -> bool:
        """Officers read and write their authority's work; supervisors only read."""
        return self.role in (Role.OFFICER, Role.AUTHORITY_ADMIN)

    @property
    def can_manage_members(self) -> bool:
        return self.role == Role.AUTHORITY_ADMIN or self.is_site_admin

    @property
    def mail_language(self) -> str:
        """The language to write to this user in: theirs, or the site's."""
        return self.language or settings.LANGUAGE_CODE

    def colleagues(self) -> QuerySet[User]:
        return User.objects.for_user(self)


API_TOKEN_PREFIX = "rgt_"  # noqa: S105 - the marker of a token, not a secret
# How many characters of a token are kept in clear, to tell a user's tokens apart.
API_TOKEN_SHOWN = 8


class TokenScope(models.TextChoices):
    """What a token may do, per area of the API; a write scope includes reading that area."""

    CASES_READ = "cases:read", _("Read your authority's requests")
    CASES_WRITE = "cases:write", _("Register requests and move them along their lifecycle")


def credential_stamp(password_hash: str) -> str:
    """A fingerprint of a password hash: a token made under another password stops working.

    The hash is already salted; its digest tells nothing the column itself does not.
    """
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, today: datetime.date) -> ApiTokenQuerySet:
        """Tokens that still open the API: not revoked, not expired, of an active member."""
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gt=today),
            revoked_at__isnull=True,
            user__is_active=True,
            user__authority__isnull=False,
            user__authority__is_active=True,
        )


class RevokedReason(models.TextChoices):
    USER = "user", _("revoked by its user")
    ADMIN = "admin", _("revoked by an administrator")
    PASSWORD = "password", _("the password was changed or reset")
    MFA = "mfa", _("the second factor was reset")
    DEACTIVATED = "deactivated", _("the account was deactivated")


class ApiToken(models.Model):
    """A personal key to the JSON API; it acts as its user, with the user's role.

    Only the SHA-256 of the secret is kept: the secret is shown once, when the token is made.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    # The first characters of the secret, shown so the user can tell their tokens apart.
    prefix = models.CharField(_("prefix"), max_length=API_TOKEN_SHOWN, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # The token stops working on this day (API_TOKEN_DAYS after creation by default).
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("revoked because"), max_length=20, choices=RevokedReason.choices, blank=True
    )
    # TokenScope values; a token without the scope of an area gets 403 there.
    scopes = models.JSONField(_("scopes"), default=list)
    # credential_stamp() of the user's password hash when the token was made: a password
    # change by any path (form, reset, admin, shell) ends the token even if no signal ran.
    password_stamp = models.CharField(max_length=32, editable=False, default="")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return API_TOKEN_PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def is_expired(self, today: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on <= today

    def is_usable(self, today: datetime.date) -> bool:
        return (
            self.revoked_at is None
            and not self.is_expired(today)
            and self.password_stamp == credential_stamp(self.user.password)
        )

    def allows(self, scope: str) -> bool:
        """Whether the token carries ``scope``; "area:write" includes "area:read"."""
        area, _sep, access = scope.partition(":")
        return scope in self.scopes or (access == "read" and f"{area}:write" in self.scopes)


class RateWindow(models.Model):
    """How often one key (a client address, a user, an e-mail address) acted in one window.

    Kept in the database so that every server process counts together (several gunicorn
    workers on SQLite share no memory). See accounts/throttle.py and decision 0019.
    """

    # e.g. "api:user:42" or "reset:addr:<sha256 of the address>"
    key = models.CharField(max_length=200)
    # The start of the fixed window this row counts.
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="rate_window_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_window_start")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class UserSession(AbstractBaseSession):
    """A database session that knows its user, client and last activity (the sessions page).

    Filled from the session data by accounts/session_store.py; see decision 0018.
    """

    user = models.ForeignKey(
        User, null=True, on_delete=models.CASCADE, related_name="sessions", db_index=True
    )
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # Refreshed at most once a minute (SessionActivityMiddleware), so a page view writes nothing.
    last_activity = models.DateTimeField(null=True)

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")  # type: ignore[assignment]
        verbose_name_plural = _("sessions")  # type: ignore[assignment]

    @classmethod
    def get_session_store_class(cls) -> type[SessionBase]:
        from .session_store import SessionStore

        return SessionStore
