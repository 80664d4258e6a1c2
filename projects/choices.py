from django.db import models


class Segment(models.TextChoices):
    """Value-chain segments, upstream to downstream (CRMA and MSP vocabulary)."""

    EXPLORATION = "exploration", "Exploration"
    EXTRACTION = "extraction", "Extraction"
    PROCESSING = "processing", "Processing and refining"
    COMPONENTS = "components", "Component manufacturing"
    RECYCLING = "recycling", "Recycling"
    SUBSTITUTION = "substitution", "Substitution"


class Stage(models.TextChoices):
    """Project stages as the mining sector names them, then the two ends."""

    PROSPECT = "prospect", "Prospect"
    EXPLORATION = "exploration", "Exploration"
    SCOPING = "scoping", "Scoping study (PEA)"
    PREFEASIBILITY = "prefeasibility", "Prefeasibility"
    FEASIBILITY = "feasibility", "Feasibility (bankable)"
    PERMITTING = "permitting", "Permitting"
    CONSTRUCTION = "construction", "Construction"
    COMMISSIONING = "commissioning", "Commissioning"
    PRODUCTION = "production", "Production"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# A project at one of these stages no longer counts in the coverage view or "active" figures.
INACTIVE_STAGES = (Stage.CLOSED, Stage.CANCELLED)


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    FINANCIER = "financier", "Financier"
    OFFTAKER = "offtaker", "Offtaker"
    TECHNICAL = "technical", "Technical partner"


class FundingStatus(models.TextChoices):
    PLEDGED = "pledged", "Pledged"
    APPROVED = "approved", "Approved"
    DISBURSED = "disbursed", "Disbursed"


class MilestoneStatus(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"
