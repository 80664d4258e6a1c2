"""Calendar-feed links: only a hash of the secret is stored (and the audit log masks it), the
full link is shown once, and a user's links, and the delegation links they issued, stop working
when they leave or change member."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from core.models import AuditEntry
from core.tracking import MASKED
from meetings import services
from meetings.models import CalendarFeedToken
from members.choices import Role
from members.permissions import actor_for_user
from members.services import user_role_set
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _feed(secret: str, kind: str = "user") -> int:
    return Client().get(f"/calendar/{kind}/{secret}.ics").status_code


def test_calendar_link_is_stored_as_a_hash_and_masked_in_the_audit(korea_user, korea_actor):
    feed = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    row = CalendarFeedToken.objects.filter(pk=feed.pk).values().get()
    entry = AuditEntry.objects.get(
        object_id=str(feed.pk), action="create", content_type__model="calendarfeedtoken"
    )

    assert row["token_hash"] == hashlib.sha256(feed.secret.encode()).hexdigest()
    assert row["prefix"] == feed.secret[:6]
    assert feed.secret not in str(row.values())
    assert entry.changes["token_hash"] == [None, MASKED]
    assert feed.secret not in str(entry.changes) and row["token_hash"] not in str(entry.changes)
    assert _feed(feed.secret) == 200
    assert _feed(row["token_hash"]) == 404  # the stored value is no key


def test_calendar_page_shows_a_new_link_once_then_masked(korea_client):
    assert korea_client.post("/meetings/feeds/", {"feed": "user"}).status_code == 302
    first = korea_client.get("/meetings/feeds/").content.decode()
    again = korea_client.get("/meetings/feeds/").content.decode()
    feed = CalendarFeedToken.objects.get(revoked_at__isnull=True)
    secret = first.split("/calendar/user/", 1)[1].split(".ics", 1)[0]

    assert hashlib.sha256(secret.encode()).hexdigest() == feed.token_hash
    assert "New link, shown this once:" in first
    assert secret not in again
    assert f"/calendar/user/{feed.prefix}….ics" in again
    assert "(hidden; make a new link to see one in full)" in again


def test_changing_member_revokes_the_users_calendar_links(korea_user, korea_actor, japan, secretariat_actor):
    feed = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    user_role_set(actor=secretariat_actor, user=korea_user, role=Role.DELEGATION, member=japan)

    assert _feed(feed.secret) == 404
    revoked = CalendarFeedToken.objects.get(pk=feed.pk)
    assert revoked.revoked_at is not None
    assert AuditEntry.objects.filter(object_id=str(feed.pk), action="revoke").count() == 1


def test_same_role_and_member_keeps_the_calendar_link(korea_user, korea_actor, korea, secretariat_actor):
    feed = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    user_role_set(actor=secretariat_actor, user=korea_user, role=Role.DELEGATION, member=korea)
    assert _feed(feed.secret) == 200


def test_switched_off_account_loses_its_calendar_links(korea_user, korea_actor, japan_user, japan_actor):
    feed = services.calendar_feed_issue(actor=korea_actor, user=korea_user)
    other = services.calendar_feed_issue(actor=japan_actor, user=japan_user)
    korea_user.is_active = False
    korea_user.save()  # as the admin does

    assert CalendarFeedToken.objects.get(pk=feed.pk).revoked_at is not None
    assert _feed(other.secret) == 200


@pytest.mark.django_db(transaction=True)
def test_migration_hashes_existing_links_and_masks_them_in_the_audit(korea_user):
    executor = MigrationExecutor(connection)
    before = [("meetings", "0003_document_text")]
    after = [("meetings", "0005_calendar_feed_token_issued_by")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    secret = "Kx9-" + "a" * 39
    feed = old_apps.get_model("meetings", "CalendarFeedToken").objects.create(
        user_id=korea_user.pk, token=secret, created_at="2026-01-01T00:00:00Z"
    )
    # Content types and the audit log are unchanged by the migration: today's models do.
    kind = ContentType.objects.get(app_label="meetings", model="calendarfeedtoken")
    AuditEntry.objects.create(
        actor_user=korea_user,
        actor_label="x",
        channel="web",
        action="create",
        content_type_id=kind.pk,
        object_id=str(feed.pk),
        object_repr="x",
        changes={"token": [None, secret], "user_id": [None, korea_user.pk]},
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()

    migrated = CalendarFeedToken.objects.get(pk=feed.pk)
    entry = AuditEntry.objects.get(object_id=str(feed.pk), content_type_id=kind.pk)
    assert (migrated.token_hash, migrated.prefix) == (hashlib.sha256(secret.encode()).hexdigest(), "Kx9-aa")
    assert entry.changes == {"token_hash": [None, MASKED], "user_id": [None, korea_user.pk]}
    assert migrated.issued_by_id == korea_user.pk  # from the audit entry's acting user
    assert _feed(secret) == 200


def test_delegation_link_records_its_issuer_and_the_page_names_them(korea_client, korea_user):
    assert korea_client.post("/meetings/feeds/", {"feed": "member"}).status_code == 302
    korea_client.get("/meetings/feeds/")  # the page that shows the new link in full, once
    page = korea_client.get("/meetings/feeds/").content.decode()
    feed = CalendarFeedToken.objects.get(revoked_at__isnull=True)

    assert (feed.member.iso2, feed.user_id, feed.issued_by_id) == ("KR", None, korea_user.pk)
    assert "Made by korea on " in page
    assert "it stops working if they leave or change delegation." in page


def test_issuer_changing_member_revokes_the_delegation_link_they_issued(
    korea, korea_user, korea_actor, japan, secretariat_actor
):
    colleague = user_with_role(Role.DELEGATION, korea, username="korea-colleague")
    delegation = services.calendar_feed_issue(actor=korea_actor, member=korea)
    own = services.calendar_feed_issue(actor=actor_for_user(colleague), user=colleague)
    assert _feed(delegation.secret, "member") == 200

    user_role_set(actor=secretariat_actor, user=korea_user, role=Role.DELEGATION, member=japan)

    assert _feed(delegation.secret, "member") == 404
    revoke = AuditEntry.objects.get(object_id=str(delegation.pk), action="revoke")
    assert (revoke.actor_user_id, list(revoke.changes)) == (secretariat_actor.user_id, ["revoked_at"])
    assert _feed(own.secret) == 200  # the colleague's own link is theirs, not the leaver's


def test_switching_off_the_issuer_revokes_the_delegation_link_and_no_other(
    korea, korea_user, korea_actor, japan, japan_user, japan_actor
):
    colleague = user_with_role(Role.DELEGATION, korea, username="korea-colleague")
    delegation = services.calendar_feed_issue(actor=korea_actor, member=korea)
    japans = services.calendar_feed_issue(actor=japan_actor, member=japan)

    colleague.is_active = False
    colleague.save()  # someone who issued nothing leaves: the delegation's link keeps working
    assert _feed(delegation.secret, "member") == 200

    korea_user.is_active = False
    korea_user.save()  # as the admin does

    assert _feed(delegation.secret, "member") == 404
    assert AuditEntry.objects.filter(object_id=str(delegation.pk), action="revoke").count() == 1
    assert _feed(japans.secret, "member") == 200
