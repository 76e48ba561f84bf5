"""Vocabularies of a request's life: directions, statuses, measures, roles, refusal grounds.

Article references are to UNTOC (art. 16-18); UNCAC art. 44-46 and the 1988 Convention art. 6-7
say the same in the same places unless noted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rogatory.reference.choices import CooperationKind

__all__ = [
    "Channel",
    "Confidentiality",
    "CooperationKind",
    "Direction",
    "DocumentKind",
    "EventKind",
    "FollowUpDirection",
    "LinkKind",
    "MeasureStatus",
    "MeasureType",
    "PersonRole",
    "RefusalGround",
    "Status",
    "Urgency",
]


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class Status(models.TextChoices):
    """Where a request stands; the allowed moves between them are in ``lifecycle.py``."""

    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    INFO_REQUESTED = "info_requested", _("Additional information requested")
    INFO_PROVIDED = "info_provided", _("Additional information provided")
    IN_EXECUTION = "in_execution", _("In execution")
    # Art. 18(25): execution may be postponed because it interferes with an ongoing
    # investigation, prosecution or judicial proceeding.
    POSTPONED = "postponed", _("Postponed")
    # Art. 18(26): consultation before refusing or postponing.
    CONSULTATION = "consultation", _("Consultation before refusal or postponement")
    PARTIALLY_EXECUTED = "partially_executed", _("Partially executed")
    EXECUTED = "executed", _("Executed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


# Statuses in which nothing more is expected from anyone: no deadline runs.
FINAL_STATUSES = frozenset({Status.EXECUTED, Status.REFUSED, Status.WITHDRAWN, Status.CLOSED})
# Statuses in which the request is still being worked on (for workload and overdue lists).
# A draft is not yet running: it is neither open nor final.
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES - {Status.DRAFT}


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    # A person is detained, evidence is about to disappear or a limitation period is expiring.
    VERY_URGENT = "very_urgent", _("Very urgent (person detained or evidence at risk)")


class Channel(models.TextChoices):
    """How a request travelled between the states (asked by the UNTOC/UNCAC review mechanisms)."""

    # Art. 18(13): directly between the designated central authorities.
    CENTRAL_AUTHORITIES = "central_authorities", _("Between central authorities")
    DIPLOMATIC = "diplomatic", _("Diplomatic channels")
    # Art. 18(13), last sentence: through INTERPOL in urgent circumstances.
    INTERPOL = "interpol", _("INTERPOL")
    ELECTRONIC_EXCHANGE = "electronic_exchange", _("Secure electronic exchange")
    OTHER = "other", _("Other channel")


class Confidentiality(models.TextChoices):
    STANDARD = "standard", _("Standard")
    # Art. 18(20): the requested state keeps the fact and substance of the request confidential.
    CONFIDENTIAL = "confidential", _("Confidential (art. 18(20))")
    STRICT = "strict", _("Strictly confidential: named officers only")


class PersonRole(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    ACCUSED = "accused", _("Accused")
    WITNESS = "witness", _("Witness")
    VICTIM = "victim", _("Victim")
    SENTENCED_PERSON = "sentenced_person", _("Sentenced person")
    ASSET_HOLDER = "asset_holder", _("Holder of assets")
    EXPERT = "expert", _("Expert")
    OTHER = "other", _("Other person concerned")


class MeasureType(models.TextChoices):
    """Measures a request may seek: the art. 18(3) list, then extradition and asset recovery."""

    TAKING_EVIDENCE = "taking_evidence", _("Taking evidence or statements")
    VIDEOCONFERENCE = "videoconference", _("Hearing by videoconference")
    SERVICE_OF_DOCUMENTS = "service_of_documents", _("Service of judicial documents")
    SEARCH_AND_SEIZURE = "search_and_seizure", _("Search and seizure")
    FREEZING = "freezing", _("Freezing of assets")
    EXAMINATION = "examination", _("Examining objects and sites")
    INFORMATION_AND_EXPERTISE = (
        "information_and_expertise",
        _("Information, evidentiary items and expert evaluations"),
    )
    BANK_RECORDS = "bank_records", _("Bank and financial records")
    RECORDS = "records", _("Originals or certified copies of documents and records")
    TRACING_PROCEEDS = "tracing_proceeds", _("Identifying or tracing proceeds of crime")
    VOLUNTARY_APPEARANCE = "voluntary_appearance", _("Voluntary appearance of persons")
    TEMPORARY_TRANSFER = "temporary_transfer", _("Temporary transfer of a detained person")
    CONFISCATION = "confiscation", _("Confiscation")
    RETURN_OF_ASSETS = "return_of_assets", _("Return of confiscated assets")
    PROVISIONAL_ARREST = "provisional_arrest", _("Provisional arrest")
    SURRENDER = "surrender", _("Extradition (surrender of the person)")
    TRANSIT = "transit", _("Transit of an extradited person")
    TRANSFER_OF_SENTENCED_PERSON = "transfer_sentenced", _("Transfer of a sentenced person")
    TRANSFER_OF_PROCEEDINGS = "transfer_proceedings", _("Transfer of criminal proceedings")
    OTHER = "other", _("Other assistance not contrary to domestic law")


# The provision each measure comes from, shown next to it (UNTOC unless noted).
MEASURE_ARTICLES: dict[str, str] = {
    MeasureType.TAKING_EVIDENCE: "UNTOC 18(3)(a)",
    MeasureType.VIDEOCONFERENCE: "UNTOC 18(18)",
    MeasureType.SERVICE_OF_DOCUMENTS: "UNTOC 18(3)(b)",
    MeasureType.SEARCH_AND_SEIZURE: "UNTOC 18(3)(c)",
    MeasureType.FREEZING: "UNTOC 18(3)(c), UNCAC 46(3)(c), 54(2)",
    MeasureType.EXAMINATION: "UNTOC 18(3)(d)",
    MeasureType.INFORMATION_AND_EXPERTISE: "UNTOC 18(3)(e)",
    MeasureType.BANK_RECORDS: "UNTOC 18(3)(f), 18(8)",
    MeasureType.RECORDS: "UNTOC 18(3)(f)",
    MeasureType.TRACING_PROCEEDS: "UNTOC 18(3)(g), UNCAC 46(3)(j)",
    MeasureType.VOLUNTARY_APPEARANCE: "UNTOC 18(3)(h)",
    MeasureType.TEMPORARY_TRANSFER: "UNTOC 18(10)",
    MeasureType.CONFISCATION: "UNTOC 13, UNCAC 55",
    MeasureType.RETURN_OF_ASSETS: "UNCAC 57",
    MeasureType.PROVISIONAL_ARREST: "UNTOC 16(9), UNCAC 44(10)",
    MeasureType.SURRENDER: "UNTOC 16, UNCAC 44, 1988 art. 6",
    MeasureType.TRANSIT: "",
    MeasureType.TRANSFER_OF_SENTENCED_PERSON: "UNTOC 17, UNCAC 45",
    MeasureType.TRANSFER_OF_PROCEEDINGS: "UNTOC 21, UNCAC 47",
    MeasureType.OTHER: "UNTOC 18(3)(i)",
}


class MeasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_EXECUTION = "in_execution", _("In execution")
    POSTPONED = "postponed", _("Postponed")
    PARTIALLY_EXECUTED = "partially_executed", _("Partially executed")
    EXECUTED = "executed", _("Executed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_MEASURE_STATUSES = frozenset(
    {
        MeasureStatus.REQUESTED,
        MeasureStatus.IN_EXECUTION,
        MeasureStatus.POSTPONED,
        MeasureStatus.PARTIALLY_EXECUTED,
    }
)


class RefusalGround(models.TextChoices):
    """Grounds on which a request may be refused; a reason must always be stated (18(23)).

    Fiscal matters (18(22)) and bank secrecy (18(8)) are deliberately absent: they are not
    grounds for refusal.
    """

    NON_CONFORMITY = "non_conformity", _("Not made in conformity with the article (18(21)(a))")
    ESSENTIAL_INTERESTS = (
        "essential_interests",
        _("Prejudice to sovereignty, security, ordre public or other essential interests"),
    )
    DOMESTIC_LAW_PROHIBITS = (
        "domestic_law_prohibits",
        _("Domestic law prohibits the action for a similar offence (18(21)(c))"),
    )
    CONTRARY_TO_LEGAL_SYSTEM = (
        "contrary_to_legal_system",
        _("Contrary to the legal system of the requested state (18(21)(d))"),
    )
    NO_DUAL_CRIMINALITY = "no_dual_criminality", _("Absence of dual criminality (18(9))")
    DISCRIMINATION = (
        "discrimination",
        _("Prosecution or punishment on discriminatory grounds (16(14))"),
    )
    NATIONALITY = "nationality", _("The person is a national of the requested state (16(10))")
    POLITICAL_OFFENCE = "political_offence", _("Political offence")
    NE_BIS_IN_IDEM = "ne_bis_in_idem", _("Already tried for the same conduct (ne bis in idem)")
    DEATH_PENALTY = "death_penalty", _("Death penalty without assurances")
    LAPSE_OF_TIME = "lapse_of_time", _("Lapse of time (limitation)")
    OTHER = "other", _("Other ground under the applicable treaty or law")


class LinkKind(models.TextChoices):
    SUPPLEMENTS = "supplements", _("Supplementary request to")
    RELATED = "related", _("Related request")
    # e.g. an MLA request for evidence supporting an extradition request.
    SUPPORTS = "supports", _("Supports")


class FollowUpDirection(models.TextChoices):
    # Art. 18(24): the requested state responds to reasonable requests on progress.
    FROM_COUNTERPART = "from_counterpart", _("Status request from the other state")
    TO_COUNTERPART = "to_counterpart", _("Status request to the other state")


class DocumentKind(models.TextChoices):
    REQUEST = "request", _("Letter of request")
    SUPPORTING = "supporting", _("Supporting document")
    TRANSLATION = "translation", _("Translation")
    COURT_ORDER = "court_order", _("Court order or warrant")
    EVIDENCE = "evidence", _("Evidence obtained")
    CORRESPONDENCE = "correspondence", _("Correspondence")
    OTHER = "other", _("Other")


class EventKind(models.TextChoices):
    """What a line of a case's history records."""

    REGISTERED = "registered", _("Registered")
    TRANSITION = "transition", _("Status changed")
    UPDATED = "updated", _("Details changed")
    MEASURE = "measure", _("Measure")
    PERSON = "person", _("Person concerned")
    OFFENCE = "offence", _("Offence")
    DOCUMENT = "document", _("Document")
    FOLLOW_UP = "follow_up", _("Status request")
    LINK = "link", _("Related request")
    ASSIGNED = "assigned", _("Officer assigned")
    NOTE = "note", _("Note")
    # A message sent to or received from the other state through the secure exchange.
    EXCHANGE = "exchange", _("Secure exchange")
    # A request version finalised, returned with remarks, approved or sent (request writer).
    APPROVAL = "approval", _("Request approval")
    # An asset of the request added or moved along its recovery (rogatory.assets).
    ASSET = "asset", _("Asset recovery")
