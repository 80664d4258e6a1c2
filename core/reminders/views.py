"""The secretariat's queue and outbox; every user's notifications and preferences."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actors import web_actor
from core.forms import run_action
from core.paging import paginate
from core.reminders import selectors, services
from core.reminders.filters import ReminderFilter, SentMailFilter
from core.reminders.registry import kinds


def reminder_list(request):
    actor = web_actor(request)
    found = ReminderFilter(
        request.GET, queryset=selectors.reminder_list(actor=actor).order_by("-due_at", "-id")
    )
    return render(
        request,
        "reminders/reminder_list.html",
        {
            "filter": found,
            "page": paginate(request, found.qs),
            "summary": selectors.queue_summary(),
            "kinds": kinds(),
        },
    )


def reminder_detail(request, pk: int):
    actor = web_actor(request)
    reminder = selectors.reminder_get(actor=actor, pk=pk)
    mails = list(reminder.mails.order_by("-sent_at"))
    return render(request, "reminders/reminder_detail.html", {"reminder": reminder, "mails": mails})


@require_POST
def reminder_retry(request, pk: int):
    actor = web_actor(request)
    reminder = selectors.reminder_get(actor=actor, pk=pk)
    run_action(
        request,
        lambda: services.reminder_retry(actor=actor, reminder=reminder),
        success=_("The reminder is back in the queue."),
    )
    return redirect(reminder)


def mail_list(request):
    actor = web_actor(request)
    found = SentMailFilter(request.GET, queryset=selectors.sent_mail_list(actor=actor))
    return render(
        request,
        "reminders/mail_list.html",
        {"filter": found, "page": paginate(request, found.qs), "kinds": kinds()},
    )


def mail_detail(request, pk: int):
    actor = web_actor(request)
    mail = selectors.sent_mail_get(actor=actor, pk=pk)
    return render(request, "reminders/mail_detail.html", {"mail": mail, "resends": list(mail.resends.all())})


@require_POST
def mail_resend(request, pk: int):
    actor = web_actor(request)
    mail = selectors.sent_mail_get(actor=actor, pk=pk)
    run_action(
        request,
        lambda: services.sent_mail_resend(actor=actor, mail=mail),
        success=_("Queued a new copy to %(email)s; it goes out within a minute.") % {"email": mail.to_email},
    )
    return redirect(mail)


def notification_list(request):
    actor = web_actor(request)
    page = paginate(request, selectors.notification_list(actor=actor))
    return render(request, "reminders/notification_list.html", {"page": page})


@require_POST
def notifications_read(request):
    actor = web_actor(request)
    raw = request.POST.getlist("id")
    ids = [int(value) for value in raw if value.isdigit()] if raw else None
    services.notifications_mark_read(actor=actor, ids=ids)
    return redirect("reminders:notifications")


@require_http_methods(["GET", "POST"])
def preferences(request):
    actor = web_actor(request)
    if request.method == "POST":
        offered = {
            pref.kind.name for pref in selectors.preferences_for(actor=actor) if not pref.kind.essential
        }
        wanted_on = set(request.POST.getlist("kind"))
        saved = run_action(
            request,
            lambda: services.preferences_set(actor=actor, opted_out=offered - wanted_on),
            success=_("Saved your reminder preferences."),
        )
        if saved:
            return redirect("reminders:preferences")
    return render(
        request, "reminders/preferences.html", {"preferences": selectors.preferences_for(actor=actor)}
    )
