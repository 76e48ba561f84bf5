from django.urls import path

from . import views

urlpatterns = [
    path("knowledge/", views.knowledge_search, name="knowledge_search"),
    path("knowledge/<uuid:public_id>/", views.knowledge_document, name="knowledge_document"),
    path(
        "knowledge/<uuid:public_id>/cited-by/",
        views.knowledge_cited_by,
        name="knowledge_cited_by",
    ),
    path("knowledge/import/", views.knowledge_import, name="knowledge_import"),
    path("knowledge/doubtful/", views.knowledge_doubtful, name="knowledge_doubtful"),
    path("knowledge/legislation/new/", views.knowledge_act_edit, name="knowledge_act_create"),
    path(
        "knowledge/legislation/<uuid:public_id>/edit/",
        views.knowledge_act_edit,
        name="knowledge_act_edit",
    ),
    path(
        "knowledge/case-law/new/", views.knowledge_judgment_edit, name="knowledge_judgment_create"
    ),
    path(
        "knowledge/case-law/<uuid:public_id>/edit/",
        views.knowledge_judgment_edit,
        name="knowledge_judgment_edit",
    ),
    path(
        "knowledge/<uuid:public_id>/correct/",
        views.knowledge_un_correct,
        name="knowledge_un_correct",
    ),
    path(
        "knowledge/<uuid:public_id>/delete/",
        views.knowledge_document_delete,
        name="knowledge_document_delete",
    ),
    path(
        "knowledge/<uuid:public_id>.akn.xml",
        views.knowledge_document_akn,
        name="knowledge_document_akn",
    ),
]
