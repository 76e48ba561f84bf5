"""URLs of case management; each views module lists its own patterns."""

from __future__ import annotations

from django.urls import URLPattern

from .views import (
    cases,
    dashboard,
    deadlines,
    documents,
    exports,
    reassign,
    reminders,
    uploads,
    work,
)

urlpatterns: list[URLPattern] = [
    *cases.urlpatterns,
    *exports.urlpatterns,
    *work.urlpatterns,
    *documents.urlpatterns,
    *uploads.urlpatterns,
    *deadlines.urlpatterns,
    *dashboard.urlpatterns,
    *reminders.urlpatterns,
    *reassign.urlpatterns,
]
