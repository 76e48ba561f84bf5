from django.urls import path

from . import views

urlpatterns = [
    path("treaties/", views.treaty_list, name="treaty_list"),
    path("treaties/new/", views.treaty_create, name="treaty_create"),
    path("treaties/status-lists/", views.treaty_import, name="treaty_import"),
    path(
        "treaties/status-lists/<int:pk>/", views.treaty_import_detail, name="treaty_import_detail"
    ),
    path("treaties/<slug:code>/", views.treaty_detail, name="treaty_detail"),
    path(
        "treaties/<slug:code>/articles/<str:article>/",
        views.treaty_article,
        name="treaty_article",
    ),
    path(
        "treaties/<slug:code>/articles/<str:article>/text/",
        views.treaty_article_text_edit,
        name="treaty_article_text_edit",
    ),
    path("legal-basis/", views.legal_basis, name="legal_basis"),
]
