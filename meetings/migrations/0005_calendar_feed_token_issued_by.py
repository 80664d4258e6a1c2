"""Who issued each calendar link, so a delegation's link stops working when its issuer leaves.

Existing live links take their issuer from the audit log's "create" entry (the acting user);
a link whose entry names no user keeps no issuer.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def issuers_from_audit(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    Feed = apps.get_model("meetings", "CalendarFeedToken")
    kind = ContentType.objects.filter(app_label="meetings", model="calendarfeedtoken").first()
    if kind is None:
        return
    created = AuditEntry.objects.filter(content_type=kind, action="create", actor_user__isnull=False)
    issuers = dict(created.values_list("object_id", "actor_user_id"))
    for feed in Feed.objects.filter(revoked_at__isnull=True, issued_by__isnull=True):
        if str(feed.pk) in issuers:
            Feed.objects.filter(pk=feed.pk).update(issued_by_id=issuers[str(feed.pk)])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_change_event"),
        ("meetings", "0004_calendar_feed_token_hashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeedtoken",
            name="issued_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(issuers_from_audit, migrations.RunPython.noop),
    ]
