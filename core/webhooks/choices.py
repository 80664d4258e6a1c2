from django.db import models


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    # The subscription was disabled (410, too many failures, by hand) before this was sent.
    CANCELLED = "cancelled", "Cancelled"


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    RETRY = "retry", "Failed, will retry"
    FAILED = "failed", "Failed, no retries left"
    GONE = "gone", "Gone (410), subscription disabled"
