"""Case management models, by subdomain: the request, its history, documents, uploads, calendar."""

from .calendar import CaseSettings, Holiday
from .case import (
    Case,
    CaseLink,
    CaseQuerySet,
    Measure,
    MeasureQuerySet,
    Offence,
    Person,
    reads_whole_authority,
)
from .documents import Document, DocumentVersion
from .exports import CaseExport
from .history import CaseEvent, FollowUp, Reminder
from .uploads import UploadSession

__all__ = [
    "Case",
    "CaseEvent",
    "CaseExport",
    "CaseLink",
    "CaseQuerySet",
    "CaseSettings",
    "Document",
    "DocumentVersion",
    "FollowUp",
    "Holiday",
    "Measure",
    "MeasureQuerySet",
    "Offence",
    "Person",
    "Reminder",
    "UploadSession",
    "reads_whole_authority",
]
