from django.urls import path

from . import views

urlpatterns = [
    path("iccs/", views.iccs_index, name="iccs_index"),
    path("iccs/<str:code>/", views.iccs_category, name="iccs_category"),
    path("iccs/<str:code>/children/", views.iccs_children, name="iccs_children"),
]
