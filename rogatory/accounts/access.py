"""Access helpers: the only way views reach an authority's data.

"Absent" and "not yours" both raise Http404, so outsiders learn nothing; read-only users get
``can_write=False`` and the view answers 403 when they try to write.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Authority, Role, User


def is_site_admin(user: object) -> bool:
    """Whether ``user`` is a signed-in, active site administrator."""
    return (
        isinstance(user, User) and user.is_authenticated and user.is_active and user.is_site_admin
    )


def require_site_admin(user: object) -> User:
    """``user``, when a site administrator; 403 (``PermissionDenied``) for anyone else. The one
    check of the pages only site administrators reach (imports, partners, corrections)."""
    if not is_site_admin(user):
        raise PermissionDenied("Site administrators only.")
    assert isinstance(user, User)
    return user


def get_authority_for_user(user: User, code: str) -> tuple[Authority, bool]:
    """Return the authority and whether ``user`` may manage its members."""
    try:
        authority = Authority.objects.for_user(user).select_related("state").get(code=code)
    except Authority.DoesNotExist:
        raise Http404("No such authority.") from None
    return authority, user.can_manage_members


def get_member_for_user(user: User, authority_code: str, public_id: str) -> tuple[User, bool]:
    """Return a member of an authority ``user`` may see and whether ``user`` may edit them."""
    authority, can_manage = get_authority_for_user(user, authority_code)
    try:
        member = User.objects.for_user(user).get(authority=authority, public_id=public_id)
    except (User.DoesNotExist, ValueError):
        raise Http404("No such member.") from None
    return member, can_manage


def states_administered_by(user: User) -> set[str] | None:
    """States whose shared data (directory profile, treaties) ``user`` may change.

    None means every state (site administrators); an authority administrator has their
    authority's state; everyone else none.
    """
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_site_admin:
        return None
    if user.role == Role.AUTHORITY_ADMIN and user.authority is not None:
        return {user.authority.state_id}
    return set()
