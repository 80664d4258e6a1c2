import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from core.choices import Confidentiality
from core.models import TrackedModel
from meetings.choices import (
    ActionItemStatus,
    InvitationStatus,
    MeetingKind,
    MeetingStatus,
    OutcomeKind,
    RegistrationStatus,
)
from members.choices import Capacity
from members.models import Delegate, Member, validate_time_zone


def _private_name(prefix: str, filename: str) -> str:
    # Files are served only through permission-checked views; a random name keeps a leaked
    # storage listing or URL from telling anything, and never collides.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{prefix}/{uuid.uuid4().hex}{suffix}"


def credentials_path(instance, filename: str) -> str:
    return _private_name(f"meetings/{instance.meeting_id}/credentials", filename)


def document_path(instance, filename: str) -> str:
    return _private_name(f"meetings/{instance.document.meeting_id}/documents", filename)


class Meeting(TrackedModel):
    """A ministerial, senior officials' meeting, working group or call, with its audience.

    `ics_sequence` is the iCalendar SEQUENCE: it rises with every change a calendar shows, so
    subscribed calendars replace their copy instead of keeping a stale one.
    """

    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=8000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue_name = models.CharField("venue", max_length=200, blank=True)
    venue_time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="IANA time zone of the venue (for example Asia/Seoul); UTC for a virtual meeting.",
    )
    virtual_link = models.URLField(blank=True, max_length=500)
    margins_of = models.CharField("on the margins of", max_length=200, blank=True)
    host = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    chaired_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_meetings"
    )
    # Set when no chair term covers the meeting's date, so the gap is visible on every list.
    in_rotation_gap = models.BooleanField(default=False, editable=False)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    rsvp_deadline = models.DateTimeField("RSVP deadline", null=True, blank=True)
    confidentiality = models.CharField(
        max_length=20, choices=Confidentiality.choices, default=Confidentiality.MEMBERS
    )
    restricted_to = models.ManyToManyField(
        Member, blank=True, related_name="restricted_meetings", help_text="Only for a restricted meeting."
    )
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message="A meeting must end after it starts.",
            )
        ]
        indexes = [
            models.Index(fields=["starts_at"], name="meeting_starts_idx"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts_idx"),
            models.Index(fields=["kind", "starts_at"], name="meeting_kind_starts_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "A meeting must end after it starts."
        if self.rsvp_deadline and self.starts_at and self.rsvp_deadline > self.starts_at:
            errors["rsvp_deadline"] = "The RSVP deadline must be before the meeting starts."
        if not self.venue_name and not self.virtual_link:
            errors["venue_name"] = "Give a venue or a virtual link."
        if errors:
            raise ValidationError(errors)

    @property
    def uid(self) -> str:
        """The iCalendar UID: stable for the life of the meeting, whatever changes."""
        return f"meeting-{self.pk}@forge.invalid"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.venue_time_zone)

    @property
    def is_virtual(self) -> bool:
        return bool(self.virtual_link) and not self.venue_name

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Invitation(TrackedModel):
    """One member invited to one meeting, its answer and its accreditation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invitations")
    status = models.CharField(
        max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Who answered: the delegation itself or the secretariat on its behalf.
    answered_by_label = models.CharField(max_length=200, blank=True)
    answered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_on_behalf = models.BooleanField(default=False)
    seats_quota = models.PositiveSmallIntegerField(
        default=3, help_text="Delegates who may register (for example head of delegation plus two)."
    )
    credentials = models.FileField(upload_to=credentials_path, blank=True, max_length=300)
    credentials_name = models.CharField(max_length=200, blank=True)
    credentials_uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="invitation_one_per_member",
                violation_error_message="This member is already invited to this meeting.",
            )
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="invitation_member_status_idx"),
            # A delegation's invitations in id order (its keyset API pages), and the meetings it
            # is invited to (the restricted-meeting scope) read from the index alone.
            models.Index(fields=["member", "id"], include=["meeting"], name="invitation_member_id_idx"),
        ]

    def __str__(self) -> str:
        member = self.member.iso2 if self.member_id else "?"
        return f"{member} to meeting {self.meeting_id}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:invitation", args=[self.pk])


class Registration(TrackedModel):
    """A named delegate registered under an invitation. A substitution keeps the replaced row
    (status replaced, pointing at its substitute), so the history of who was accredited stays."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="registrations")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="registrations")
    capacity = models.CharField(max_length=20, choices=Capacity.choices, default=Capacity.DELEGATE)
    status = models.CharField(
        max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE
    )
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    registered_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["invitation", "pk"]
        constraints = [
            # One active seat per person; replaced or withdrawn rows are history and may repeat.
            models.UniqueConstraint(
                fields=["invitation", "delegate"],
                condition=Q(status="active"),
                name="registration_one_active_per_delegate",
                violation_error_message="This delegate is already registered for this meeting.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.delegate.full_name if self.delegate_id else '?'} ({self.get_status_display()})"


class Document(TrackedModel):
    """A meeting document with an access level of its own; its files are DocumentVersions."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    confidentiality = models.CharField(
        max_length=20, choices=Confidentiality.choices, default=Confidentiality.MEMBERS
    )
    restricted_to = models.ManyToManyField(Member, blank=True, related_name="restricted_documents")

    class Meta:
        ordering = ["meeting", "title", "pk"]
        indexes = [models.Index(fields=["meeting", "confidentiality"], name="document_meeting_conf_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:document", args=[self.pk])


class DocumentVersion(models.Model):
    """One uploaded file of a document; versions are numbered from 1 and never overwritten."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by_label = models.CharField(max_length=200)
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="document_version_number_unique",
                violation_error_message="This version number already exists; upload again.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"


class DocumentText(models.Model):
    """The text of a document's latest version, extracted at upload for search.

    Derived data, like an index: rewritten with each new version, neither audited nor synced
    (the version itself is)."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, primary_key=True, related_name="text")
    version_number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"text of document {self.document_id} v{self.version_number}"


class AgendaItem(TrackedModel):
    """An item on a meeting's agenda. Positions run 1..n without gaps (see agenda_reorder)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    presenter = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    documents = models.ManyToManyField(Document, blank=True, related_name="agenda_items")

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_position_unique",
                violation_error_message="Another item has this position; reload the agenda.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Outcome(TrackedModel):
    """What a meeting produced: a joint statement, a chair's summary or a decision."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True, max_length=20000)
    adopted_on = models.DateField(null=True, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["meeting", "adopted_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionItem(TrackedModel):
    """A follow-up a member owns. Projects link milestones to action items from their side."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    owner = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="action_items")
    description = models.TextField(max_length=4000)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionItemStatus.choices, default=ActionItemStatus.OPEN)

    class Meta:
        ordering = ["meeting", "due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status"], name="action_item_owner_status_idx")]

    def __str__(self) -> str:
        return self.description[:80]

    def clean(self) -> None:
        if self.outcome_id and self.meeting_id and self.outcome.meeting_id != self.meeting_id:
            raise ValidationError({"outcome": gettext("The outcome belongs to another meeting.")})


class CalendarFeedToken(models.Model):
    """The secret in a calendar subscription URL, for one user or one delegation.

    The token is a random 256-bit string. Only its hash is kept (and masked in the audit log):
    the full link is shown once, when it is made; afterwards only its first characters
    (`prefix`). Regenerating revokes the old one; so does the user leaving or changing member,
    for their own links and for the delegation's links they issued (`issued_by`).
    """

    # Field values the audit log shows as hidden (core.tracking).
    audit_masked_fields = ("token_hash",)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Who made the link: a delegation's link stops working when the user who made it leaves.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The link's visible start, to recognise it.")
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, member__isnull=True)
                | Q(user__isnull=True, member__isnull=False),
                name="calendar_feed_token_one_owner",
                violation_error_message="A feed belongs to a user or to a delegation, not both.",
            )
        ]

    def __str__(self) -> str:
        owner = f"user {self.user_id}" if self.user_id else f"member {self.member_id}"
        return f"Calendar feed of {owner}"
