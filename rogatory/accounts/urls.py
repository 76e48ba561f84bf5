from django.contrib.auth import views as auth_views
from django.urls import path

from . import lockout_views, throttle, token_views, views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
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
        auth_views.PasswordResetConfirmView.as_view(),
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
