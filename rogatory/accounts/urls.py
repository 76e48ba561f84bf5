from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from . import lockout_views, security_views, throttle, token_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/login/", security_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        security_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Limited per address and per client (throttle.py, decision 0019).
    path("accounts/password/reset/", throttle.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("authorities/", views.authority_list, name="authority_list"),
    path("authorities/<slug:code>/", views.authority_detail, name="authority_detail"),
    path("authorities/<slug:code>/members/new/", views.member_create, name="member_create"),
    path(
        "authorities/<slug:code>/members/<uuid:public_id>/",
        views.member_detail,
        name="member_detail",
    ),
]

urlpatterns += [
    path(
        "authorities/<slug:code>/members/<uuid:public_id>/unlock/",
        lockout_views.member_unlock,
        name="member_unlock",
    ),
    path("accounts/tokens/", token_views.token_list, name="token_list"),
    path("accounts/tokens/new/", token_views.token_create, name="token_create"),
    path(
        "accounts/tokens/<uuid:public_id>/revoke/",
        token_views.token_revoke,
        name="token_revoke",
    ),
]

# Second factors, sessions and e-mail changes (decision 0018).
urlpatterns += [
    path("accounts/security/", security_views.account_security, name="account_security"),
    path("accounts/mfa/verify/", security_views.mfa_verify, name="mfa_verify"),
    path("accounts/mfa/enrol/", security_views.mfa_enrol, name="mfa_enrol"),
    path("accounts/mfa/totp/", security_views.mfa_totp_setup, name="mfa_totp_setup"),
    path(
        "accounts/mfa/recovery-codes/",
        security_views.mfa_recovery_codes,
        name="mfa_recovery_codes",
    ),
    path(
        "accounts/mfa/security-key/done/",
        security_views.mfa_webauthn_done,
        name="mfa_webauthn_done",
    ),
    path("accounts/mfa/remove/", security_views.mfa_device_remove, name="mfa_device_remove"),
    path("accounts/webauthn/", include("rogatory.accounts.webauthn_urls")),
    path("accounts/sessions/", security_views.session_list, name="session_list"),
    path("accounts/email/", security_views.email_change, name="email_change"),
    path(
        "accounts/email/confirm/<str:token>/",
        security_views.email_change_confirm,
        name="email_change_confirm",
    ),
    path(
        "authorities/<slug:code>/second-factor/",
        security_views.authority_mfa,
        name="authority_mfa",
    ),
    path(
        "authorities/<slug:code>/members/<uuid:public_id>/reset-second-factor/",
        security_views.member_reset_mfa,
        name="member_reset_mfa",
    ),
    path(
        "authorities/<slug:code>/members/<uuid:public_id>/send-password-reset/",
        security_views.member_send_password_reset,
        name="member_send_password_reset",
    ),
]
