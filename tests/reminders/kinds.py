"""A non-essential kind of reminder for tests of preferences (loaded through settings)."""

from core.reminders.registry import ReminderKind

REMINDER_KINDS = [
    ReminderKind(name="test.note", label="Test note", template="email/chair_handover", essential=False),
]
