import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from django.utils.html import escape

from core import health
from core.reminders import services
from core.reminders.choices import RunKind
from core.reminders.models import DispatcherRun, Notification, Reminder, ReminderOptOut, SentMail
from tests.reminders.test_services import _due_reminders


def _sent_mail(user=None):
    _due_reminders(1)
    reminder = Reminder.objects.get()
    if user is not None:
        Reminder.objects.filter(pk=reminder.pk).update(recipient_user=user)
    services.reminder_dispatch(enqueue=lambda ids: None)
    assert services.reminder_send(reminder_id=reminder.pk) == "sent"
    return SentMail.objects.get()


def test_outbox_lists_and_resends_for_the_secretariat(secretariat_client, secretariat_user):
    mail = _sent_mail()
    page = secretariat_client.get("/reminders/outbox/")
    assert page.status_code == 200
    assert escape(mail.subject) in page.content.decode()
    assert secretariat_client.get(f"/reminders/outbox/{mail.pk}/").status_code == 200
    response = secretariat_client.post(f"/reminders/outbox/{mail.pk}/resend/")
    assert response.status_code == 302
    assert _messages(response) == [f"Queued a new copy to {mail.to_email}; it goes out within a minute."]
    resend = Reminder.objects.exclude(pk=mail.reminder_id).get()
    assert (resend.status, resend.recipient_email, resend.context["resend_of"]) == (
        "pending",
        mail.to_email,
        mail.pk,
    )
    services.reminder_dispatch(enqueue=lambda ids: None)
    assert services.reminder_send(reminder_id=resend.pk) == "sent"
    assert SentMail.objects.get(reminder=resend).resend_of == mail


def test_retry_of_a_reminder_that_did_not_fail_is_refused_with_the_reason(secretariat_client):
    mail = _sent_mail()
    response = secretariat_client.post(f"/reminders/{mail.reminder_id}/retry/")
    assert response.status_code == 302
    assert _messages(response) == ["Only a failed reminder can be retried."]
    assert Reminder.objects.get(pk=mail.reminder_id).status == "sent"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_outbox_and_queue_are_not_for_delegations(korea_client):
    _sent_mail()
    assert korea_client.get("/reminders/outbox/").status_code == 403
    assert korea_client.get("/reminders/").status_code == 403
    assert korea_client.post(f"/reminders/outbox/{SentMail.objects.get().pk}/resend/").status_code == 403


def test_outbox_query_count_is_constant(secretariat_client, django_assert_num_queries):
    _sent_mail()

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert secretariat_client.get("/reminders/outbox/").status_code == 200
        return len(ctx)

    one = count()
    mail = SentMail.objects.get()
    for i in range(20):
        SentMail.objects.create(
            reminder=mail.reminder,
            kind=mail.kind,
            to_email=f"x{i}@example.org",
            subject="s",
            body_text="b",
            message_id=f"<m{i}>",
        )
    assert count() == one


def test_notifications_bell_and_mark_read(korea_client, korea_user):
    _sent_mail(user=korea_user)
    page = korea_client.get("/reminders/notifications/")
    assert page.status_code == 200
    assert page.context["unread_notifications"] == 1
    korea_client.post("/reminders/notifications/read/")
    assert Notification.objects.get().read_at is not None
    assert korea_client.get("/reminders/notifications/").context["unread_notifications"] == 0


def test_preferences_keep_essential_kinds(korea_client, korea_user, settings):
    page = korea_client.get("/reminders/preferences/")
    assert page.status_code == 200
    # Every kind enabled except meeting.upcoming: that one is turned off; essential ones cannot be.
    kinds = [p.kind.name for p in page.context["preferences"] if p.kind.name != "meeting.upcoming"]
    korea_client.post("/reminders/preferences/", {"kind": kinds})
    assert sorted(ReminderOptOut.objects.filter(user=korea_user).values_list("kind", flat=True)) == [
        "meeting.upcoming"
    ]
    from django.core.exceptions import ValidationError

    from members.permissions import actor_for_user

    with pytest.raises(ValidationError):
        services.preferences_set(actor=actor_for_user(korea_user), opted_out=["meeting.rsvp_deadline"])


def test_dashboard_shows_the_queue_to_the_secretariat(secretariat_client, korea_client):
    _due_reminders(2)
    DispatcherRun.objects.create(kind=RunKind.DISPATCH, count=0)
    summary = secretariat_client.get("/").context["reminder_queue"]
    assert (summary.due, summary.queued, summary.sent_24h, summary.failed) == (2, 0, 0, 0)
    assert summary.last_dispatch is not None
    assert "reminder_queue" not in korea_client.get("/").context


def test_healthz_reports_a_stale_dispatcher(db, client, monkeypatch):
    monkeypatch.setattr(health, "PROCESS_STARTED", health.time.monotonic())
    assert client.get("/healthz").json()["checks"]["reminders"]["detail"].startswith("starting")
    monkeypatch.setattr(health, "PROCESS_STARTED", health.time.monotonic() - 3600)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["reminders"] == {
        "ok": False,
        "detail": "the dispatcher has never run (is Celery beat running?)",
    }
    DispatcherRun.objects.create(
        kind=RunKind.DISPATCH, started_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    assert client.get("/healthz").json()["checks"]["reminders"]["ok"] is False
    DispatcherRun.objects.create(
        kind=RunKind.DISPATCH, started_at=timezone.now() - datetime.timedelta(seconds=30)
    )
    assert client.get("/healthz").json()["checks"]["reminders"]["ok"] is True


def test_reminder_pages_speak_korean(korea_client, secretariat_client):
    korea_client.cookies["django_language"] = "ko"
    assert "<h1>알림 설정</h1>" in korea_client.get("/reminders/preferences/").content.decode()
    secretariat_client.cookies["django_language"] = "ko"
    page = secretariat_client.get("/reminders/").content.decode()
    assert "<h1>알림 대기열</h1>" in page and "마지막 발송 처리" in page
