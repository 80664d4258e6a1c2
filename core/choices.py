from django.db import models


class Channel(models.TextChoices):
    """How a change reached the app; recorded with every audit entry."""

    WEB = "web", "Web"
    ADMIN = "admin", "Admin"
    API = "api", "API"
    TASK = "task", "Task"
    COMMAND = "command", "Command"


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"


class ChangeOp(models.TextChoices):
    UPSERT = "upsert", "Upsert"
    DELETE = "delete", "Delete"


class Confidentiality(models.TextChoices):
    """Who may see a meeting, document or project. Ordered from most to least open."""

    PUBLIC = "public", "Public"
    MEMBERS = "members", "All delegations"
    RESTRICTED = "restricted", "Restricted to named members"
    SECRETARIAT = "secretariat", "Secretariat only"
