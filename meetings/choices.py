from django.db import models


class MeetingKind(models.TextChoices):
    MINISTERIAL = "ministerial", "Ministerial"
    PRINCIPALS = "principals", "Principals' meeting"
    SOM = "som", "Senior officials' meeting"
    WORKING_GROUP = "working_group", "Working group"
    DEEP_DIVE = "deep_dive", "Project deep-dive"
    FINANCE_NETWORK = "finance_network", "Finance-network meeting"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ANNOUNCED = "announced", "Announced"
    CONFIRMED = "confirmed", "Confirmed"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


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
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    TENTATIVE = "tentative", "Tentative"


ANSWERS = (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.TENTATIVE)


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", "Registered"
    REPLACED = "replaced", "Replaced by a substitute"
    WITHDRAWN = "withdrawn", "Withdrawn"


class OutcomeKind(models.TextChoices):
    JOINT_STATEMENT = "joint_statement", "Joint statement"
    CHAIR_SUMMARY = "chair_summary", "Chair's summary"
    DECISION = "decision", "Decision"


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class FeedKind(models.TextChoices):
    USER = "user", "My calendar"
    MEMBER = "member", "Delegation calendar"
