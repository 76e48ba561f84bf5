"""URL configuration: one include per app; admin for site administrators only."""

from django.contrib import admin
from django.urls import include, path

from rogatory.api import api
from rogatory.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("inbox/count", web_views.inbox_count, name="inbox_count"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("rogatory.accounts.urls")),
    path("", include("rogatory.reference.urls")),
    path("", include("rogatory.directory.urls")),
    path("", include("rogatory.treaties.urls")),
    path("", include("rogatory.cases.urls")),
    path("", include("rogatory.notifications.urls")),
    path("", include("rogatory.drafting.urls")),
    path("", include("rogatory.knowledge.urls")),
    path("", include("rogatory.exchange.urls")),
    path("", include("rogatory.assets.urls")),
    path("", include("rogatory.auditreview.urls")),
    path("", include("rogatory.statistics.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
