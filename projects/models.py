import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.choices import Confidentiality
from core.models import TrackedModel
from meetings.models import ActionItem, Meeting
from members.models import Member
from projects.choices import (
    INACTIVE_STAGES,
    FundingStatus,
    MilestoneStatus,
    ParticipantRole,
    Segment,
    Stage,
)
from projects.codes import validate_country, validate_currency


class Mineral(TrackedModel):
    """A mineral or raw material on the USGS 2025 list, the EU CRMA lists, or both.

    Reference data (projects/reference.py): one row per USGS name plus the CRMA entries that
    have no USGS counterpart. CRMA names are transcribed; `crma_names` keeps them as read.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    usgs_2025 = models.BooleanField("USGS 2025 critical mineral", default=False)
    crma_strategic = models.BooleanField("CRMA strategic (Annex I)", default=False)
    crma_critical = models.BooleanField("CRMA critical (Annex II)", default=False)
    crma_names = models.CharField(
        "CRMA entries",
        max_length=400,
        blank=True,
        help_text="The CRMA entries it falls under, as transcribed.",
    )
    match_note = models.CharField(
        max_length=400, blank=True, help_text="Why the match between the two lists is uncertain, when it is."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:list") + "?" + urlencode({"mineral": self.slug})

    @property
    def lists(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.usgs_2025, "USGS 2025"),
                (self.crma_strategic, "CRMA strategic"),
                (self.crma_critical, "CRMA critical"),
            )
            if flag
        ]


class JointProject(TrackedModel):
    """A joint critical-minerals project of FORGE members: where it sits in the value chain,
    who leads and takes part, its stage, budget and who may see it."""

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, max_length=4000)
    minerals = models.ManyToManyField(Mineral, related_name="projects")
    segment = models.CharField("value-chain segment", max_length=20, choices=Segment.choices)
    host_country = models.CharField(
        max_length=2, validators=[validate_country], help_text="ISO 3166-1 alpha-2 code of the host country."
    )
    lead_member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="led_projects")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PROSPECT)
    budget_amount = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    confidentiality = models.CharField(
        max_length=20, choices=Confidentiality.choices, default=Confidentiality.MEMBERS
    )
    restricted_to = models.ManyToManyField(
        Member,
        blank=True,
        related_name="+",
        help_text="For restricted projects: members who may see it besides the lead and participants.",
    )
    is_example = models.BooleanField(
        default=False, help_text="Invented demo data, shown labelled as an example."
    )

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="project_budget_not_negative",
                violation_error_message="The budget cannot be negative.",
            ),
            models.CheckConstraint(
                condition=(Q(budget_amount__isnull=True) & Q(budget_currency=""))
                | (Q(budget_amount__isnull=False) & ~Q(budget_currency="")),
                name="project_budget_has_currency",
                violation_error_message="A budget needs both an amount and a currency.",
            ),
        ]
        # The portfolio filters by these; lead_member has its foreign-key index.
        indexes = [
            models.Index(fields=["segment", "stage"], name="project_segment_stage_idx"),
            models.Index(fields=["stage"], name="project_stage_idx"),
            models.Index(fields=["host_country"], name="project_host_idx"),
            models.Index(fields=["confidentiality"], name="project_confidentiality_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.stage not in INACTIVE_STAGES


class ProjectParticipant(TrackedModel):
    """A member taking part in a project besides its lead, in one role."""

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="project_participations")
    role = models.CharField(
        max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT
    )

    class Meta:
        ordering = ["project_id", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "member"],
                name="participant_once_per_project",
                violation_error_message="This member already takes part in the project.",
            )
        ]
        # (project, member) is covered by the unique index; "projects of a member" needs this one.
        indexes = [models.Index(fields=["member", "project"], name="participant_member_idx")]

    def __str__(self) -> str:
        return f"{self.member.iso2} in {self.project} ({self.get_role_display().lower()})"


class StageChange(models.Model):
    """One step in a project's stage history: from, to, on which day, by whom and why."""

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    on = models.DateField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(max_length=200)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["project_id", "on", "id"]

    def __str__(self) -> str:
        start = self.get_from_stage_display() or "start"
        return f"{self.project}: {start} → {self.get_to_stage_display()} on {self.on.isoformat()}"


def milestone_status(*, due_on: datetime.date, done_on: datetime.date | None, on: datetime.date) -> str:
    """Upcoming, overdue or done as seen on day `on`.

    Done once done_on has come; overdue from the day after due_on; due today is still upcoming.
    projects.selectors.milestone_status_expression(on) is the same rule in SQL.
    """
    if done_on is not None and done_on <= on:
        return MilestoneStatus.DONE
    if due_on < on:
        return MilestoneStatus.OVERDUE
    return MilestoneStatus.UPCOMING


class Milestone(TrackedModel):
    """A dated step of a project (financial close, first production...); done when done_on is set."""

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # The link between the two apps lives here, in the higher app: meetings never import projects.
    action_item = models.ForeignKey(
        ActionItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The meeting action item this milestone follows up, if any.",
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["project", "due_on"], name="milestone_project_due_idx"),
            # Open milestones by due date: the overdue filter, counts and reminders read these.
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="milestone_open_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on.isoformat()})"  # no words: audit entries keep it as written

    def status_on(self, day: datetime.date) -> str:
        return milestone_status(due_on=self.due_on, done_on=self.done_on, on=day)

    @property
    def status_label(self) -> str:
        """The words for the status the milestone list annotates (`status`), in the active language."""
        return MilestoneStatus(self.status).label


class FundingCommitment(TrackedModel):
    """Money a member commits to a project, in the currency it was committed in.

    pledged -> approved -> disbursed, each step dated (projects.services.FUNDING_STEPS).
    """

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="commitments")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="funding_commitments")
    amount = models.DecimalField(
        max_digits=18, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(max_length=3, validators=[validate_currency])
    status = models.CharField(max_length=20, choices=FundingStatus.choices, default=FundingStatus.PLEDGED)
    pledged_on = models.DateField()
    approved_on = models.DateField(null=True, blank=True)
    disbursed_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    announced_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The meeting where the commitment was announced, if any.",
    )

    class Meta:
        ordering = ["project_id", "pledged_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="commitment_amount_positive",
                violation_error_message="The amount must be more than zero.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=FundingStatus.PLEDGED, approved_on__isnull=True, disbursed_on__isnull=True)
                    | Q(status=FundingStatus.APPROVED, approved_on__isnull=False, disbursed_on__isnull=True)
                    | Q(status=FundingStatus.DISBURSED, approved_on__isnull=False, disbursed_on__isnull=False)
                ),
                name="commitment_status_dates",
                violation_error_message="The dates do not match the commitment's status.",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "currency"], name="commitment_project_cur_idx"),
            models.Index(fields=["member", "status"], name="commitment_member_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member.iso2} {self.currency} {self.amount:,.2f} to {self.project} ({self.status})"

    def clean(self) -> None:
        errors = {}
        if self.approved_on and self.pledged_on and self.approved_on < self.pledged_on:
            errors["approved_on"] = "Approval cannot come before the pledge."
        if self.disbursed_on and self.approved_on and self.disbursed_on < self.approved_on:
            errors["disbursed_on"] = "Disbursement cannot come before approval."
        if errors:
            raise ValidationError(errors)


class ProjectUpdate(TrackedModel):
    """A progress note posted by a delegation or the secretariat, optionally reporting a stage."""

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="project_updates"
    )
    author_label = models.CharField(max_length=200)
    text = models.TextField(max_length=4000)
    reported_stage = models.CharField(
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text="The stage the author reports; it changes the project's stage only when the "
        "secretariat or the lead member posts it.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"], name="update_project_recent_idx")]

    def __str__(self) -> str:
        return f"Update on {self.project} by {self.author_label}"
