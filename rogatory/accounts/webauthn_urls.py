"""django-otp-webauthn's URLs (namespace "otp_webauthn"), with our last registration step."""

from django.urls import path
from django_otp_webauthn import urls as package_urls

from .security_views import CompleteRegistration

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    *(p for p in package_urls.urlpatterns if p.name != "credential-registration-complete"),
]
