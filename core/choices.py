from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a change reached the app; recorded with every audit entry."""

    WEB = "web", _("Web")
    ADMIN = "admin", _("Admin")
    API = "api", _("API")
    TASK = "task", _("Task")
    COMMAND = "command", _("Command")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


# The other words services record as an audit action (besides AuditAction), for the history
# tables; an action missing here shows as recorded.
AUDIT_ACTION_LABELS = {
    **dict(AuditAction.choices),
    "adopt": _("Adopted"),
    "agenda_reorder": _("Agenda reordered"),
    "answer": _("Answered"),
    "audience": _("Audience changed"),
    "close": _("Closed"),
    "complete": _("Completed"),
    "credentials": _("Credentials uploaded"),
    "disable": _("Turned off"),
    "documents": _("Documents changed"),
    "enable": _("Turned on"),
    "extend": _("Extended"),
    "members": _("Members changed"),
    "open": _("Opened"),
    "replace": _("Replaced"),
    "resend": _("Sent again"),
    "retry": _("Retried"),
    "revoke": _("Revoked"),
    "rotate_secret": _("Secret rotated"),
    "stage": _("Stage moved"),
    "status": _("Status changed"),
    "substitute": _("Substituted"),
    "withdraw": _("Withdrawn"),
    "withdraw_objection": _("Objection withdrawn"),
}


class ChangeOp(models.TextChoices):
    UPSERT = "upsert", _("Upsert")
    DELETE = "delete", _("Delete")


class Confidentiality(models.TextChoices):
    """Who may see a meeting, document or project. Ordered from most to least open."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("All delegations")
    RESTRICTED = "restricted", _("Restricted to named members")
    SECRETARIAT = "secretariat", _("Secretariat only")
