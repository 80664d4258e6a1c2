from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    # The subscription was disabled (410, too many failures, by hand) before this was sent.
    CANCELLED = "cancelled", _("Cancelled")


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    RETRY = "retry", _("Failed, will retry")
    FAILED = "failed", _("Failed, no retries left")
    GONE = "gone", _("Gone (410), subscription disabled")
