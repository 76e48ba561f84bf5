"""URL configuration: one include per app; admin for site administrators only."""

from django.contrib import admin
from django.urls import include, path

from rogatory.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("rogatory.accounts.urls")),
    path("", include("rogatory.reference.urls")),
    path("admin/", admin.site.urls),
]
