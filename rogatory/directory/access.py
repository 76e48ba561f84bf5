"""Who may change a state's profile: the administrators of that state's authorities.

Profiles are public, so a refusal is a 403 (the profile's existence is no secret); the
platform's site administrators may edit every profile, to seed states with no users yet.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from rogatory.accounts.access import states_administered_by
from rogatory.accounts.models import User
from rogatory.reference.models import State

from .models import CountryProfile


def can_edit_profile(user: User, state_id: str) -> bool:
    states = states_administered_by(user)
    return states is None or state_id in states


def get_profile(iso2: str) -> CountryProfile:
    """The state's profile; an unsaved, empty one when the state has none yet."""
    state = get_object_or_404(State, iso2=iso2.upper())
    try:
        return CountryProfile.objects.select_related("state").get(state=state)
    except CountryProfile.DoesNotExist:
        return CountryProfile(state=state)


def get_profile_for_edit(user: User, iso2: str) -> CountryProfile:
    profile = get_profile(iso2)
    if not can_edit_profile(user, profile.state_id):
        raise PermissionDenied
    return profile
