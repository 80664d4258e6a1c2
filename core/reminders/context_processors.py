from core.reminders.selectors import unread_notification_count


def notifications(request):
    """The unread count for the bell in the navigation (one cheap, indexed query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_notification_count(user_id=user.pk)}
