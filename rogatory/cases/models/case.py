"""The request (case) and what it is made of: offences, persons, measures, links."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rogatory.accounts.models import Role
from rogatory.cases.choices import (
    FINAL_STATUSES,
    MEASURE_ARTICLES,
    OPEN_MEASURE_STATUSES,
    OPEN_STATUSES,
    Channel,
    Confidentiality,
    CooperationKind,
    Direction,
    LinkKind,
    MeasureStatus,
    MeasureType,
    PersonRole,
    RefusalGround,
    Status,
    Urgency,
)

if TYPE_CHECKING:
    from rogatory.accounts.models import User


def reads_whole_authority(user: User) -> bool:
    """Whether ``for_user`` gives ``user`` every request of his authority (supervisors do;
    others do not see the strictly confidential requests of other officers)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.authority_id is not None
        and user.role == Role.SUPERVISOR
    )


class CaseQuerySet(models.QuerySet["Case"]):
    def for_user(self, user: User) -> CaseQuerySet:
        """Cases ``user`` may see: their own authority's, and nobody else's.

        Site administrators run the installation; they do not read casework (decision 0009).
        """
        if not user.is_authenticated or not user.is_active or user.authority_id is None:
            return self.none()
        mine = self.filter(authority_id=user.authority_id)
        if reads_whole_authority(user):
            return mine
        # Strictly confidential requests: the responsible officer and the supervisors only.
        return mine.filter(~Q(confidentiality=Confidentiality.STRICT) | Q(officer_id=user.pk))

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> CaseQuerySet:
        return self.open().filter(deadline__lt=today)


class Case(models.Model):
    """One request for cooperation, incoming or outgoing, from registration to closure."""

    # Opaque identifier for URLs and the API.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.ForeignKey(
        "accounts.Authority",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("authority"),
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind of request"), max_length=30, choices=CooperationKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # The status is final (executed, refused, withdrawn, closed); kept by the database so that
    # "deadline, soonest first" lists open requests before final ones from one index.
    status_is_final = models.GeneratedField(
        expression=models.Case(
            models.When(status__in=sorted(FINAL_STATUSES), then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    # Our registry number, unique within the authority; generated when left blank.
    our_reference = models.CharField(_("our reference"), max_length=60)
    their_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    # Art. 18(15)(b): subject matter and nature of the investigation, prosecution or proceeding.
    subject = models.CharField(_("subject matter"), max_length=300)
    summary_of_facts = models.TextField(_("summary of the facts"), blank=True)
    # Art. 18(15)(f): the purpose for which the evidence, information or action is sought.
    purpose = models.TextField(_("purpose of the request"), blank=True)
    # Art. 18(15)(d) and 18(17): any particular procedure the requesting state wishes followed.
    procedure = models.TextField(_("procedure to follow"), blank=True)

    requesting_state = models.ForeignKey(
        "reference.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requesting state"),
    )
    requested_state = models.ForeignKey(
        "reference.State",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested state"),
    )
    # The other state: the requesting one for incoming requests, the requested one otherwise.
    # Kept in its own column because every list and chart groups by it.
    counterpart_state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="+", editable=False
    )
    # Authorities from the directory when listed there; the name is copied so it survives.
    requesting_authority = models.ForeignKey(
        "directory.CompetentAuthority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requesting authority"),
    )
    requesting_authority_name = models.CharField(
        _("requesting authority"), max_length=300, blank=True
    )
    requested_authority = models.ForeignKey(
        "directory.CompetentAuthority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested authority"),
    )
    requested_authority_name = models.CharField(
        _("requested authority"), max_length=300, blank=True
    )
    # Art. 18(15)(b): the authority conducting the investigation, prosecution or proceeding.
    conducting_authority = models.CharField(_("conducting authority"), max_length=300, blank=True)
    # The domestic court, prosecutor or police unit that carries out an incoming request.
    executing_authority = models.CharField(_("executing authority"), max_length=300, blank=True)
    officer = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("responsible officer"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.STANDARD,
    )
    # How the request travelled; requests accepted from the secure exchange record it there.
    channel = models.CharField(
        _("channel"),
        max_length=20,
        choices=Channel.choices,
        default=Channel.CENTRAL_AUTHORITIES,
    )

    # The legal basis chosen from the finder's answer, with the date of the treaty data it
    # relied on; a request may also rest on reciprocity or domestic law (legal_basis_note).
    legal_basis = models.ForeignKey(
        "treaties.Instrument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("legal basis"),
    )
    legal_basis_article = models.CharField(_("article"), max_length=40, blank=True)
    legal_basis_as_of = models.DateField(_("treaty data as of"), null=True, blank=True)
    legal_basis_note = models.CharField(
        _("other legal basis (reciprocity, domestic law)"), max_length=300, blank=True
    )

    drafted_on = models.DateField(_("drafted on"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    executed_on = models.DateField(_("executed on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The day the request was disposed of, NULL while it is not final: its execution date, else
    # the day of its first move to a final status in the history, else its closing date
    # (cases.stats.disposition_day). Kept by do_transition in the same transaction, so the
    # statistics read a column instead of a subquery on the history (decision 0044).
    disposed_on = models.DateField(_("disposed of on"), null=True, blank=True, editable=False)
    # The deadline the requesting side asked for (e.g. a trial date), as they wrote it.
    requested_deadline = models.DateField(
        _("deadline asked by the requesting side"), null=True, blank=True
    )
    # Our working deadline: the requested one, or computed from the authority's calendar.
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # Set when the request is refused: the ground and the stated reason (art. 18(23)).
    refusal_ground = models.CharField(
        _("ground for refusal"), max_length=30, choices=RefusalGround.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Folded references, names, offences and facts, for search (lib/textfold.py).
    search_text = models.TextField(blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "our_reference"], name="unique_reference_per_authority"
            ),
            models.CheckConstraint(
                condition=~Q(requesting_state=models.F("requested_state")),
                name="case_states_differ",
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "-created_at", "-id"], name="case_list"),
            # Covers every dashboard aggregate and status filter, so PostgreSQL answers them
            # from the index alone (measured: 3-4 s -> 0.4-0.6 s for a 200k-request authority).
            models.Index(
                fields=[
                    "authority",
                    "status",
                    "direction",
                    "kind",
                    "counterpart_state",
                    "officer",
                    "confidentiality",
                    "deadline",
                    "received_on",
                    "sent_on",
                    "executed_on",
                    "refusal_ground",
                    "id",
                ],
                name="case_dashboard",
            ),
            models.Index(
                fields=["authority", "status_is_final", "deadline", "id"], name="case_deadline"
            ),
            models.Index(fields=["authority", "counterpart_state"], name="case_counterpart"),
            models.Index(fields=["authority", "officer"], name="case_officer"),
            models.Index(fields=["authority", "kind", "direction"], name="case_kind"),
            # Covers the statistics' per-period GROUP BY queries (statistics/figures.py): the
            # rows of one authority read from the index alone instead of one heap page per
            # request (measured at 480k requests: 1,328 buffers instead of ~40,000 for a
            # table of one authority; decision 0044). INCLUDE is PostgreSQL's; elsewhere the
            # index holds the key columns only.
            models.Index(
                fields=["authority", "direction", "received_on", "sent_on"],
                include=[
                    "status",
                    "status_is_final",
                    "kind",
                    "channel",
                    "urgency",
                    "counterpart_state",
                    "officer",
                    "confidentiality",
                    "acknowledged_on",
                    "executed_on",
                    "closed_on",
                    "disposed_on",
                    "refusal_ground",
                    "legal_basis",
                ],
                name="case_statistics",
            ),
            # The requests of a few days across many authorities (the days at the ends of a
            # period whose whole months come from the statistics' monthly summary, decision
            # 0046): by the day they started, whatever their authority.
            models.Index(
                fields=["received_on"],
                name="case_received",
                condition=Q(direction=Direction.INCOMING),
            ),
            models.Index(
                fields=["sent_on"], name="case_sent", condition=Q(direction=Direction.OUTGOING)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.our_reference} — {self.subject}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.counterpart_state_id = (
            self.requesting_state_id
            if self.direction == Direction.INCOMING
            else self.requested_state_id
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "counterpart_state"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.public_id])

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_open(self) -> bool:
        """Running: sent or received, and not yet executed, refused, withdrawn or closed."""
        return self.status in OPEN_STATUSES

    @property
    def start_date(self) -> datetime.date | None:
        """The day the request began to run: received (incoming) or sent (outgoing)."""
        return self.received_on if self.is_incoming else self.sent_on

    def is_overdue(self, today: datetime.date) -> bool:
        return self.deadline is not None and self.deadline < today and self.is_open


class Offence(models.Model):
    """An offence as national law names it, and the ICCS category of the conduct."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offences")
    national_name = models.CharField(_("offence under national law"), max_length=300)
    # Article or section of the national law, e.g. "Code pénal, art. 324-1".
    national_provision = models.CharField(_("provision"), max_length=200, blank=True)
    iccs = models.ForeignKey(
        "reference.IccsCategory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ICCS category"),
    )
    # The maximum penalty under the requesting state's law, as ``lib.penalties.Penalty.to_dict``
    # gives it (decision 0028): it decides "serious crime" (UNTOC art. 2(b)) and extradition.
    max_penalty = models.JSONField(_("maximum penalty"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("offence")
        verbose_name_plural = _("offences")
        indexes = [
            models.Index(fields=["iccs", "case"], name="offence_iccs"),
            # The list's ICCS filter looks up each request's offences: from this index alone.
            models.Index(fields=["case", "iccs"], name="offence_case_iccs"),
        ]

    def __str__(self) -> str:
        return f"{self.national_name} ({self.iccs_id})" if self.iccs_id else self.national_name


class Person(models.Model):
    """A person concerned by the request (art. 18(15)(e)): identity, nationality, location."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    # A company or other legal person holding assets, or a natural person.
    is_legal_person = models.BooleanField(_("legal person"), default=False)
    name = models.CharField(_("name"), max_length=300)
    other_names = models.CharField(_("other names and aliases"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=200, blank=True)
    nationality = models.ForeignKey(
        "reference.State",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nationality"),
    )
    identity_document = models.CharField(_("identity document"), max_length=200, blank=True)
    location = models.CharField(_("known address or whereabouts"), max_length=400, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("person concerned")
        verbose_name_plural = _("persons concerned")

    def __str__(self) -> str:
        return self.name


class MeasureQuerySet(models.QuerySet["Measure"]):
    def open(self) -> MeasureQuerySet:
        return self.filter(status__in=OPEN_MEASURE_STATUSES)


class Measure(models.Model):
    """One measure sought (art. 18(3)), with its own status and deadline."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("measure"), max_length=30, choices=MeasureType.choices)
    description = models.TextField(_("description"), blank=True)
    # Measure-specific fields (bank, account and period for bank records; premises for a
    # search; the questions for a witness), filled by the request writer.
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.REQUESTED
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    executed_on = models.DateField(_("executed on"), null=True, blank=True)
    refusal_ground = models.CharField(
        _("ground for refusal"), max_length=30, choices=RefusalGround.choices, blank=True
    )
    # The reason for the last change of status (a refusal must be reasoned, art. 18(23)).
    status_reason = models.TextField(_("reason"), blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("measure sought")
        verbose_name_plural = _("measures sought")
        # Open measures by deadline: the overdue counts, the deadlines page and reminders.
        indexes = [
            models.Index(fields=["status", "deadline", "case"], name="measure_open_deadline")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def article(self) -> str:
        return MEASURE_ARTICLES.get(self.kind, "")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES

    @property
    def next_statuses(self) -> frozenset[str]:
        """The statuses this measure may take next (lifecycle.MEASURE_MOVES)."""
        from rogatory.cases.lifecycle import MEASURE_MOVES

        return MEASURE_MOVES.get(self.status, frozenset())


class CaseLink(models.Model):
    """A relation between two requests of the same authority, e.g. a supplementary request."""

    source = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("relation"), max_length=20, choices=LinkKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="unique_case_link"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="no_self_link"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
