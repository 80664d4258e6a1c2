"""Rendering a reminder as an email (HTML and plain text) and handing it to Django's backend.

The Message-ID is derived from the reminder's id, so the one duplicate a crash between the
SMTP server's "250 OK" and the database's "sent" can cause carries the same Message-ID as
the first copy.
"""

from __future__ import annotations

import logging
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


class Session:
    """One SMTP connection for a batch of messages, opened at the first send and closed at the
    end; after a failure the next send opens a fresh one."""

    def __init__(self) -> None:
        self.connection = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        if self.connection is None:
            return
        if exc[0] is not None:
            self._drop()  # interrupted (a soft time limit, say): no polite QUIT to a stalled server
            return
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - every message is already accepted or recorded
            log.warning("closing the SMTP session failed", exc_info=True)
        self.connection = None

    def send(self, message: Message) -> None:
        """Send through the configured backend; raises what the backend raises."""
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
        try:
            self.connection.open()
            self.connection.send_messages([_email(message)])
        except BaseException:
            self._drop()
            raise

    def _drop(self) -> None:
        """Forget the connection, closing its socket without a polite QUIT: a server that has
        stalled would hold the QUIT's answer too."""
        conn, self.connection = self.connection, None
        smtp = getattr(conn, "connection", None)
        try:
            if smtp is not None:
                smtp.close()
                conn.connection = None
            elif conn is not None:
                conn.close()
        except Exception:  # noqa: BLE001, S110 - the connection is being thrown away anyway
            pass


def _email(message: Message) -> EmailMultiAlternatives:
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
    )
    mail.attach_alternative(message.html, "text/html")
    return mail
