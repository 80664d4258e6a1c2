from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    MINISTERIAL = "ministerial", _("Ministerial")
    PRINCIPALS = "principals", _("Principals' meeting")
    SOM = "som", _("Senior officials' meeting")
    WORKING_GROUP = "working_group", _("Working group")
    DEEP_DIVE = "deep_dive", _("Project deep-dive")
    FINANCE_NETWORK = "finance_network", _("Finance-network meeting")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# The only moves a meeting's status may make; everything else is refused with a message
# naming both ends. A held or cancelled meeting is final.
MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.DRAFT: frozenset({MeetingStatus.ANNOUNCED, MeetingStatus.CANCELLED}),
    MeetingStatus.ANNOUNCED: frozenset({MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED}),
    MeetingStatus.CONFIRMED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    TENTATIVE = "tentative", _("Tentative")


ANSWERS = (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.TENTATIVE)


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", _("Registered")
    REPLACED = "replaced", _("Replaced by a substitute")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OutcomeKind(models.TextChoices):
    JOINT_STATEMENT = "joint_statement", _("Joint statement")
    CHAIR_SUMMARY = "chair_summary", _("Chair's summary")
    DECISION = "decision", _("Decision")


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class FeedKind(models.TextChoices):
    USER = "user", _("My calendar")
    MEMBER = "member", _("Delegation calendar")
