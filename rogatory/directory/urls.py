from django.urls import path

from . import views

urlpatterns = [
    path("directory/", views.directory_index, name="directory_index"),
    path("directory/<str:iso2>/", views.profile_detail, name="profile_detail"),
    path("directory/<str:iso2>/edit/", views.profile_edit, name="profile_edit"),
    path("directory/<str:iso2>/authorities/new/", views.authority_edit, name="authority_create"),
    path(
        "directory/<str:iso2>/authorities/<slug:slug>/edit/",
        views.authority_edit,
        name="authority_edit",
    ),
    path(
        "directory/<str:iso2>/authorities/<slug:slug>/delete/",
        views.authority_delete,
        name="authority_delete",
    ),
    path("directory/<str:iso2>/measures/<str:measure>/", views.measure_edit, name="measure_edit"),
    path("directory/<str:iso2>/history/", views.profile_history, name="profile_history"),
    path(
        "directory/<str:iso2>/history/<int:number>/",
        views.profile_version,
        name="profile_version",
    ),
    path("directory/<str:iso2>/export.json", views.profile_export, name="profile_export_json"),
    path(
        "directory/<str:iso2>/export-<str:part>.csv",
        views.profile_export,
        name="profile_export_csv",
    ),
    path("directory/<str:iso2>/import/", views.profile_import, name="profile_import"),
]
