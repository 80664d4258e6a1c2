from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """A POST made with an `Idempotency-Key` header, and the response it got.

    The row is inserted (and committed) before the request runs, so the unique constraint on
    (owner, key) decides which of several concurrent attempts runs; the others see it in
    progress (409) or, once done, get the stored response replayed. The stored response is
    written in the same transaction as the object the request created, so they commit together.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    # "token:<id>" or "user:<id>": keys are private to the token (or account) that sent them.
    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key with another request is refused (422).
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict, blank=True)
    # The rendered JSON text, not a JSONField: jsonb would reorder keys, and a replay must
    # send the very bytes of the first response.
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    locked_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")]

    def __str__(self) -> str:
        return f"{self.owner} {self.key} ({self.state})"


class FeedDay(models.Model):
    """The last day whose date-only changes are on the feed (core.sync.services.date_changes_record).

    One row. Fields that change with the date alone (a milestone turning overdue) change no row,
    so nothing puts them on the feed as they change; the daily job does, for each day since this
    one, and moves it forward in the same transaction.
    """

    name = models.CharField(max_length=40, primary_key=True)
    day = models.DateField()

    def __str__(self) -> str:
        return f"{self.name}: {self.day}"
