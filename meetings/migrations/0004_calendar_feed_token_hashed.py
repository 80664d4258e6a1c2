"""Calendar-feed tokens kept as hashes: existing links keep working (the hash of the secret in
the URL is looked up), the secrets themselves leave the database and the audit log."""

import hashlib

from django.db import migrations, models

MASKED = "(hidden)"


def _hash(raw: str) -> str:
    # The same hash as members.api.authentication.token_hash, frozen here as migrations must be.
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_existing(apps, schema_editor):
    feeds = apps.get_model("meetings", "CalendarFeedToken")
    for feed in feeds.objects.all().only("pk", "token"):
        feeds.objects.filter(pk=feed.pk).update(token_hash=_hash(feed.token), prefix=feed.token[:6])
    content_types = apps.get_model("contenttypes", "ContentType")
    entries = apps.get_model("core", "AuditEntry")
    kind = content_types.objects.filter(app_label="meetings", model="calendarfeedtoken").first()
    if kind is None:
        return
    for entry in entries.objects.filter(content_type=kind, changes__has_key="token").only("pk", "changes"):
        changes = dict(entry.changes)
        changes["token_hash"] = [MASKED if value else value for value in changes.pop("token")]
        entries.objects.filter(pk=entry.pk).update(changes=changes)


def unhash(apps, schema_editor):
    """Going back cannot restore the secrets: every link is revoked, the hash stands in."""
    feeds = apps.get_model("meetings", "CalendarFeedToken")
    for feed in feeds.objects.all().only("pk", "token_hash", "revoked_at", "created_at"):
        feeds.objects.filter(pk=feed.pk).update(
            token=feed.token_hash, revoked_at=feed.revoked_at or feed.created_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_change_event"),
        ("meetings", "0003_document_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeedtoken",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="calendarfeedtoken",
            name="prefix",
            field=models.CharField(
                default="", help_text="The link's visible start, to recognise it.", max_length=8
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="calendarfeedtoken",
            name="token",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(hash_existing, unhash),
        migrations.RemoveField(model_name="calendarfeedtoken", name="token"),
        migrations.AlterField(
            model_name="calendarfeedtoken",
            name="token_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
