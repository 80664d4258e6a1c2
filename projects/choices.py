from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Segment(models.TextChoices):
    """Value-chain segments, upstream to downstream (CRMA and MSP vocabulary)."""

    EXPLORATION = "exploration", _("Exploration")
    EXTRACTION = "extraction", _("Extraction")
    PROCESSING = "processing", _("Processing and refining")
    COMPONENTS = "components", _("Component manufacturing")
    RECYCLING = "recycling", _("Recycling")
    SUBSTITUTION = "substitution", _("Substitution")


class Stage(models.TextChoices):
    """Project stages as the mining sector names them, then the two ends."""

    PROSPECT = "prospect", _("Prospect")
    EXPLORATION = "exploration", _("Exploration")
    SCOPING = "scoping", _("Scoping study (PEA)")
    PREFEASIBILITY = "prefeasibility", _("Prefeasibility")
    FEASIBILITY = "feasibility", _("Feasibility (bankable)")
    PERMITTING = "permitting", _("Permitting")
    CONSTRUCTION = "construction", _("Construction")
    COMMISSIONING = "commissioning", _("Commissioning")
    PRODUCTION = "production", _("Production")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# A project at one of these stages no longer counts in the coverage view or "active" figures.
INACTIVE_STAGES = (Stage.CLOSED, Stage.CANCELLED)


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", pgettext_lazy("project role", "Participant")
    FINANCIER = "financier", _("Financier")
    OFFTAKER = "offtaker", _("Offtaker")
    TECHNICAL = "technical", _("Technical partner")


class FundingStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    APPROVED = "approved", _("Approved")
    DISBURSED = "disbursed", _("Disbursed")


class MilestoneStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    OVERDUE = "overdue", _("Overdue")
    DONE = "done", _("Done")
