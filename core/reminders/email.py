"""Rendering a reminder as an email (HTML and plain text) and handing it to Django's backend.

The Message-ID is derived from the reminder's id, so the one duplicate a crash between the
SMTP server's "250 OK" and the database's "sent" can cause carries the same Message-ID as
the first copy.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str
    message_id: str


def message_id_for(reminder_id: int) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "forge.invalid"
    return f"<reminder.{reminder_id}@{domain}>"


def link(*, reminder, kind, subject) -> str:
    """The page the reminder is about (a path; emails prefix the site's address)."""
    if kind is not None and kind.link is not None:
        return kind.link(reminder, subject)
    get_url = getattr(subject, "get_absolute_url", None)
    return get_url() if get_url else ""


def recipient_language(reminder) -> str:
    """The language the recipient chose (the resolver is a setting: core knows no profile
    model), else the site's."""
    resolver = import_string(settings.FORGE_USER_LANGUAGE_RESOLVER)
    return resolver(reminder.recipient_user_id) or settings.LANGUAGE_CODE


def render(*, reminder, kind, subject) -> Message:
    """The message in the recipient's own language (dates and numbers formatted for it too)."""
    with translation.override(recipient_language(reminder)):
        return _render(reminder=reminder, kind=kind, subject=subject)


def _render(*, reminder, kind, subject) -> Message:
    path = link(reminder=reminder, kind=kind, subject=subject)
    context = {
        **reminder.context,
        **(kind.context(reminder, subject) if kind.context else {}),
        "reminder": reminder,
        "subject": subject,
        "kind": kind,
        "recipient_name": reminder.recipient_name,
        "site_url": settings.FORGE_SITE_URL.rstrip("/"),
        "url": f"{settings.FORGE_SITE_URL.rstrip('/')}{path}" if path.startswith("/") else path,
        "path": path,
        "essential": kind.essential,
    }
    subject_line = " ".join(render_to_string(f"{kind.template}_subject.txt", context).split())
    return Message(
        to=reminder.recipient_email,
        subject=subject_line[:300],
        text=render_to_string(f"{kind.template}.txt", context).strip() + "\n",
        html=render_to_string(f"{kind.template}.html", context),
        message_id=message_id_for(reminder.pk),
    )


_local = threading.local()


def _connection():
    """One backend connection per worker process, reused across sends: opening an SMTP session
    per message costs more than the message itself."""
    key = (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
    conn = getattr(_local, "connection", None)
    if conn is not None and getattr(_local, "key", None) != key:
        _drop_connection()  # the settings changed (tests override them): start afresh
        conn = None
    if conn is None:
        conn = get_connection(fail_silently=False)
        _local.connection, _local.key = conn, key
    return conn


def _drop_connection() -> None:
    """Forget the connection after a failure, closing its socket without a polite QUIT: a
    server that has stalled would hold the QUIT's answer too."""
    conn = getattr(_local, "connection", None)
    _local.connection = None
    if conn is None:
        return
    smtp = getattr(conn, "connection", None)
    try:
        if smtp is not None:
            smtp.close()
            conn.connection = None
        else:
            conn.close()
    except Exception:  # noqa: BLE001, S110 - the connection is being thrown away anyway
        pass


def deliver(message: Message) -> None:
    """Send through the configured backend; raises what the backend raises."""
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(message.html, "text/html")
    conn = _connection()
    reused = getattr(conn, "connection", None) is not None
    try:
        conn.open()
        conn.send_messages([mail])
    except Exception as exc:
        _drop_connection()
        # A kept-alive SMTP session the server has since closed: one fresh try, at once.
        if reused and type(exc).__name__ == "SMTPServerDisconnected":
            conn = _connection()
            try:
                conn.open()
                conn.send_messages([mail])
            except Exception:
                _drop_connection()
                raise
            return
        raise
