"""The secretariat's pages: subscriptions, their deliveries, and every attempt of a delivery.

Who may read the log is the selectors' rule (`selectors.log_*`), who may act the services'."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actors import web_actor
from core.forms import run_action
from core.paging import paginate
from core.selectors import audit_history
from core.webhooks import permissions, selectors, services
from core.webhooks.filters import DeliveryFilter, SubscriptionFilter


def subscription_list(request):
    actor = web_actor(request)
    subscription_filter = SubscriptionFilter(
        request.GET, queryset=selectors.subscription_overview(actor=actor)
    )
    return render(
        request,
        "webhooks/subscription_list.html",
        {"filter": subscription_filter, "page": paginate(request, subscription_filter.qs.order_by("-id"))},
    )


def subscription_detail(request, pk: int):
    actor = web_actor(request)
    subscription = selectors.log_subscription_get(actor=actor, pk=pk)
    delivery_filter = DeliveryFilter(
        request.GET, queryset=selectors.log_deliveries(actor=actor, subscription=subscription)
    )
    return render(
        request,
        "webhooks/subscription_detail.html",
        {
            "subscription": subscription,
            "filter": delivery_filter,
            "page": paginate(request, delivery_filter.qs.order_by("-id")),
            "can_manage": permissions.can_manage(actor, subscription),
            "history": audit_history([subscription], limit=30),
        },
    )


def delivery_detail(request, pk: int):
    actor = web_actor(request)
    delivery = selectors.log_delivery_get(actor=actor, pk=pk)
    return render(
        request,
        "webhooks/delivery_detail.html",
        {
            "delivery": delivery,
            "attempts": list(delivery.attempts.all()),
            "can_manage": permissions.can_manage(actor, delivery.subscription),
        },
    )


@require_POST
def subscription_disable(request, pk: int):
    actor = web_actor(request)
    subscription = selectors.log_subscription_get(actor=actor, pk=pk)
    services.subscription_disable(
        actor=actor, subscription=subscription, reason="Switched off by the secretariat."
    )
    messages.success(request, _("Subscription switched off; its waiting deliveries are cancelled."))
    return redirect(subscription)


@require_POST
def subscription_enable(request, pk: int):
    actor = web_actor(request)
    subscription = selectors.log_subscription_get(actor=actor, pk=pk)
    services.subscription_enable(actor=actor, subscription=subscription)
    messages.success(request, _("Subscription switched back on; new changes will be delivered."))
    return redirect(subscription)


@require_POST
def delivery_retry(request, pk: int):
    actor = web_actor(request)
    delivery = selectors.log_delivery_get(actor=actor, pk=pk)
    run_action(
        request,
        lambda: services.delivery_retry(actor=actor, delivery=delivery),
        success=_("Queued to be sent again within a few seconds."),
    )
    return redirect(delivery)
