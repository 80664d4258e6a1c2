from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    JOINT_STATEMENT = "joint_statement", _("Joint statement")
    RECOMMENDATION = "recommendation", _("Recommendation")
    WORK_PLAN = "work_plan", _("Work plan")
    PROJECT_ENDORSEMENT = "project_endorsement", _("Endorsement of a project")
    CHAIR_DESIGNATION = "chair_designation", _("Designation of the chair")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TABLED = "tabled", _("Tabled at a meeting")
    UNDER_PROCEDURE = "under_procedure", _("Under written procedure")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The moves a decision's status may make. Moves into and out of "under written procedure"
# are made only by the procedure services (open, close, withdraw), never by hand.
DECISION_TRANSITIONS: dict[str, frozenset[str]] = {
    DecisionStatus.DRAFT: frozenset(
        {DecisionStatus.TABLED, DecisionStatus.UNDER_PROCEDURE, DecisionStatus.WITHDRAWN}
    ),
    DecisionStatus.TABLED: frozenset(
        {
            DecisionStatus.UNDER_PROCEDURE,
            DecisionStatus.ADOPTED,
            DecisionStatus.NOT_ADOPTED,
            DecisionStatus.DRAFT,
            DecisionStatus.WITHDRAWN,
        }
    ),
    DecisionStatus.UNDER_PROCEDURE: frozenset(
        {
            DecisionStatus.ADOPTED,
            DecisionStatus.NOT_ADOPTED,
            DecisionStatus.DRAFT,
            DecisionStatus.WITHDRAWN,
        }
    ),
    # Not adopted: it may be redrafted and tried again (a new procedure, another meeting).
    DecisionStatus.NOT_ADOPTED: frozenset(
        {DecisionStatus.DRAFT, DecisionStatus.UNDER_PROCEDURE, DecisionStatus.WITHDRAWN}
    ),
    DecisionStatus.ADOPTED: frozenset(),
    DecisionStatus.WITHDRAWN: frozenset(),
}

# Statuses from which a decision may go to written procedure.
OPENABLE_STATUSES = (DecisionStatus.DRAFT, DecisionStatus.TABLED, DecisionStatus.NOT_ADOPTED)

# Statuses a delegation may see: a draft is the secretariat's work in progress.
CIRCULATED_STATUSES = tuple(s for s in DecisionStatus if s != DecisionStatus.DRAFT)


class ProcedureStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ADOPTED = "adopted", _("Closed: adopted")
    NOT_ADOPTED = "not_adopted", _("Closed: not adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PositionKind(models.TextChoices):
    SUPPORT = "support", _("Support")
    OBJECTION = "objection", _("Objection (silence broken)")
    STATEMENT = "statement", _("Statement for the record")


class StatementKind(models.TextChoices):
    RESERVATION = "reservation", _("Reservation")
    INTERPRETATIVE = "interpretative", _("Interpretative statement")


# What the positions grid shows for a member that has not answered (or withdrew its objection).
SILENT = "silent"
