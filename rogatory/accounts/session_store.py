"""The session engine: Django's database sessions in ``UserSession``, which knows its user.

The user, client address, browser and last activity are kept in the session data by
``SessionActivityMiddleware`` and copied to columns when the session is saved, so the
sessions page lists them and a reset ends every session of a user with one DELETE.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.base_session import AbstractBaseSession
from django.utils import timezone

# Keys of our own in the session data.
LAST_ACTIVITY_KEY = "_rg_last_activity"  # POSIX seconds of the last request (minute precision)
IP_KEY = "_rg_ip"
USER_AGENT_KEY = "_rg_ua"


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[AbstractBaseSession]:
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        try:
            session.user_id = int(user_id) if user_id is not None else None  # type: ignore[attr-defined]
        except (TypeError, ValueError):
            session.user_id = None  # type: ignore[attr-defined]
        session.ip_address = data.get(IP_KEY) or None  # type: ignore[attr-defined]
        session.user_agent = str(data.get(USER_AGENT_KEY, ""))[:300]  # type: ignore[attr-defined]
        last = data.get(LAST_ACTIVITY_KEY)
        session.last_activity = (  # type: ignore[attr-defined]
            datetime.datetime.fromtimestamp(last, tz=datetime.UTC)
            if isinstance(last, int | float)
            else timezone.now()
        )
        return session
