import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.choices import Confidentiality
from core.models import TrackedModel
from decisions.choices import (
    DecisionKind,
    DecisionStatus,
    PositionKind,
    ProcedureStatus,
    StatementKind,
)
from decisions.deadlines import describe
from meetings.models import ActionItem, Meeting, Outcome
from members.models import Member, validate_time_zone
from projects.models import JointProject

REFERENCE_PREFIX = "FORGE"


def format_reference(year: int, number: int) -> str:
    """`FORGE/2026/D/7`: the forum, the year of adoption, D for decision, the number in that year."""
    return f"{REFERENCE_PREFIX}/{year}/D/{number}"


def split_paragraphs(text: str) -> list[str]:
    """The numbered paragraphs of a text: blocks separated by one or more blank lines."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [" ".join(block.split("\n")).strip() for block in blocks if block.strip()]


class Decision(TrackedModel):
    """What the forum adopts: a text with numbered paragraphs, its kind, lifecycle and audience.

    The reference (`FORGE/2026/D/7`) is given on adoption from a per-year counter
    (ReferenceCounter), so references are gapless within a year and never reused.
    """

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=DecisionKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    text = models.TextField(
        _("text"),
        max_length=100_000,
        help_text=_("Paragraphs separated by a blank line; they are numbered in order."),
    )
    # The current version number; every change of the text adds a DecisionVersion.
    version = models.PositiveIntegerField(default=1, editable=False)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.MEMBERS
    )
    restricted_to = models.ManyToManyField(
        Member,
        blank=True,
        related_name="restricted_decisions",
        verbose_name=_("restricted to"),
        help_text=_("Only for a restricted decision: the members who may see it."),
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("meeting"),
        help_text=_("The meeting where it is tabled or was adopted, if any."),
    )
    outcomes = models.ManyToManyField(
        Outcome,
        blank=True,
        related_name="+",
        verbose_name=_("outcomes"),
        help_text=_("Meeting outcomes that follow from it."),
    )
    action_items = models.ManyToManyField(
        ActionItem,
        blank=True,
        related_name="+",
        verbose_name=_("action items"),
        help_text=_("Action items that follow from it."),
    )
    projects = models.ManyToManyField(
        JointProject,
        blank=True,
        related_name="+",
        verbose_name=_("projects"),
        help_text=_("Joint projects it endorses."),
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True, editable=False)
    reference_year = models.PositiveIntegerField(null=True, blank=True, editable=False)
    reference_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True, editable=False)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_example = models.BooleanField(
        default=False, help_text=_("Invented demo data, shown labelled as an example.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["reference_year", "reference_number"],
                name="decision_reference_unique",
                violation_error_message=_("This reference is already taken."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=DecisionStatus.ADOPTED, reference_number__isnull=False, adopted_at__isnull=False)
                    | (~Q(status=DecisionStatus.ADOPTED) & Q(reference_number__isnull=True))
                ),
                name="decision_reference_iff_adopted",
                violation_error_message=_("A decision has a reference exactly when it is adopted."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="decision_status_idx"),
            models.Index(fields=["kind", "-created_at"], name="decision_kind_idx"),
            models.Index(fields=["confidentiality"], name="decision_confidentiality_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}" if self.reference else self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.pk])

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)


class ReferenceCounter(models.Model):
    """The last reference number given in a year. Adoptions lock this row (SELECT ... FOR
    UPDATE), so concurrent adoptions take consecutive numbers and none is skipped."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class DecisionVersion(models.Model):
    """One version of a decision's text, kept when the text changes (for the diff page)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField(max_length=100_000)
    created_at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(max_length=200)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["decision_id", "number"]
        constraints = [models.UniqueConstraint(fields=["decision", "number"], name="decision_version_unique")]

    def __str__(self) -> str:
        return f"{self.decision_id} v{self.number}"

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)


class StatusChange(models.Model):
    """One move in a decision's lifecycle: from, to, when, by whom and why."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=DecisionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(max_length=200)
    note = models.CharField(max_length=500, blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["decision_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.from_status or 'start'} → {self.to_status}"


class WrittenProcedure(TrackedModel):
    """A written (silence) procedure on a decision: adopted at the deadline unless a member
    concerned breaks silence.

    `deadline` is the UTC instant; `time_zone` is the zone it was given in (18:00
    Europe/Brussels), kept to show and extend it in that zone.
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="procedures")
    status = models.CharField(
        _("status"), max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.OPEN
    )
    deadline = models.DateTimeField(_("deadline"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    original_deadline = models.DateTimeField(editable=False)
    all_members = models.BooleanField(
        _("all members"), default=True, help_text=_("Open to every member, or only to those listed.")
    )
    concerned = models.ManyToManyField(
        Member, blank=True, related_name="concerned_procedures", verbose_name=_("members concerned")
    )
    positions_visible_while_open = models.BooleanField(
        _("positions visible while open"),
        default=False,
        help_text=_("Delegations see each other's positions before the deadline."),
    )
    text_version = models.PositiveIntegerField(editable=False, help_text=_("The version circulated."))
    note = models.TextField(_("covering note"), blank=True, max_length=4000)
    opened_at = models.DateTimeField(editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closing_note = models.CharField(max_length=500, blank=True, editable=False)
    # The iCalendar SEQUENCE of the deadline event: rises with every extension.
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("written procedure")
        verbose_name_plural = _("written procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(status=ProcedureStatus.OPEN),
                name="procedure_one_open_per_decision",
                violation_error_message=_("This decision already has an open procedure."),
            ),
        ]
        indexes = [
            # The closing task and the dashboard read open procedures by deadline.
            models.Index(fields=["deadline"], condition=Q(status="open"), name="procedure_open_deadline_idx"),
            models.Index(fields=["status", "-opened_at"], name="procedure_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Written procedure on {self.decision}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.decision_id])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_deadline(self):
        return self.deadline.astimezone(self.tz)

    @property
    def deadline_described(self) -> str:
        """`2026-02-09 18:00 Europe/Brussels (2026-02-09 17:00 UTC)`."""
        return describe(self.deadline, self.time_zone)

    @property
    def is_open(self) -> bool:
        return self.status == ProcedureStatus.OPEN

    @property
    def uid(self) -> str:
        """The iCalendar UID of the deadline event."""
        return f"procedure-{self.pk}@forge.invalid"


class Position(TrackedModel):
    """A member's answer in a procedure: support, objection (breaking silence, with a reason)
    or a statement for the record. No row means silent. An objection withdrawn before the
    deadline keeps its row with `withdrawn_at` set and no longer blocks adoption."""

    procedure = models.ForeignKey(WrittenProcedure, on_delete=models.CASCADE, related_name="positions")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="procedure_positions")
    kind = models.CharField(_("position"), max_length=20, choices=PositionKind.choices)
    statement_kind = models.CharField(
        _("kind of statement"), max_length=20, choices=StatementKind.choices, blank=True
    )
    text = models.TextField(_("reason or statement"), blank=True, max_length=8000)
    answered_at = models.DateTimeField(_("answered at"))
    withdrawn_at = models.DateTimeField(_("objection withdrawn at"), null=True, blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(max_length=200)

    class Meta:
        ordering = ["procedure_id", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "member"],
                name="position_once_per_member",
                violation_error_message=_("This member has already answered; change its answer instead."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["objection", "statement"]) | ~Q(text=""),
                name="position_reason_required",
                violation_error_message=_("An objection or a statement needs its text."),
            ),
        ]
        indexes = [models.Index(fields=["member", "procedure"], name="position_member_idx")]

    def __str__(self) -> str:
        return f"{self.member} on {self.procedure_id}: {self.kind}"

    @property
    def is_standing_objection(self) -> bool:
        return self.kind == PositionKind.OBJECTION and self.withdrawn_at is None
