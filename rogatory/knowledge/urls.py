from django.urls import path

from . import views

urlpatterns = [
    path("knowledge/", views.knowledge_search, name="knowledge_search"),
    path("knowledge/<uuid:public_id>/", views.knowledge_document, name="knowledge_document"),
    path(
        "knowledge/<uuid:public_id>.akn.xml",
        views.knowledge_document_akn,
        name="knowledge_document_akn",
    ),
]
