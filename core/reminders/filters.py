"""One FilterSet per listed model (the queue and the sent-mail log)."""

import django_filters
from django.db.models import Q

from core.reminders.choices import ReminderStatus
from core.reminders.models import Reminder, SentMail


class ReminderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReminderStatus.choices)
    kind = django_filters.CharFilter()
    q = django_filters.CharFilter(method="search", label="Recipient")

    class Meta:
        model = Reminder
        fields = ["status", "kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(recipient_email__icontains=value) | Q(recipient_name__icontains=value))


class SentMailFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter()
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = SentMail
        fields = ["kind"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(to_email__icontains=value) | Q(subject__icontains=value))
