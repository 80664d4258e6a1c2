"""Web pages of the markets app: thin views over selectors, forms and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actors import web_actor
from core.forms import call_service
from core.selectors import audit_history
from markets import charts, imports, permissions, references, selectors, services, tariff
from markets import concentration as concentration_module
from markets.filters import ProductFilter
from markets.forms import (
    CalculatorForm,
    ChartWindowForm,
    FollowForm,
    ImportForm,
    ObservationForm,
    ProductForm,
    ReferencePriceForm,
)


def index(request):
    actor = web_actor(request)
    product_filter = ProductFilter(request.GET, queryset=selectors.product_list(actor=actor))
    products = product_filter.qs if product_filter.is_valid() else product_filter.queryset.none()
    return render(
        request,
        "markets/index.html",
        {
            "filter": product_filter,
            "products": products,
            "can_manage": permissions.can_manage_markets(actor),
            "can_record": permissions.can_record_prices(actor),
        },
    )


def product_detail(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    window = ChartWindowForm(request.GET or None)
    start, end = selectors.chart_window(actor=actor, product=product, **window.window())
    observations, periods = selectors.price_series(actor=actor, product=product, start=start, end=end)
    follow = selectors.follow_for(actor=actor, product=product)
    return render(
        request,
        "markets/product_detail.html",
        {
            "product": product,
            "window": window,
            "start": start,
            "end": end,
            "observations": observations,
            "periods": periods,
            "chart": product_chart(product, observations, periods),
            "follow": follow,
            "follow_form": FollowForm(initial={"margin_percent": follow.margin_percent if follow else 0}),
            "can_manage": permissions.can_manage_markets(actor),
            "can_record": permissions.can_record_prices(actor),
            "can_follow": permissions.can_follow(actor),
        },
    )


def product_chart(product, observations, periods) -> str:
    points = [
        charts.PricePoint(
            o.observed_on, o.price_in_basis, o.reference_amount, o.tariff.rate_percent if o.tariff else None
        )
        for o in observations
    ]
    bands = [charts.Period(p.valid_from, p.valid_until, p.amount) for p in periods]
    title = _("%(product)s: observed prices against the reference band, and the tariff") % {
        "product": product.name
    }
    return charts.price_chart(
        title=title, quote=product.quote, points=points, periods=bands, cap=tariff.RULES[-1].cap
    )


def _form_page(request, form, *, title: str, product=None, submit: str = "", history=None, multipart=False):
    return render(
        request,
        "markets/form.html",
        {
            "form": form,
            "title": title,
            "product": product,
            "submit": submit or _("Save"),
            "history": history,
            "multipart": multipart,
        },
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@require_http_methods(["GET", "POST"])
def product_create(request):
    actor = web_actor(request)
    _require(permissions.can_manage_markets(actor), _("Only the secretariat adds products."))
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, lambda: services.product_create(actor=actor, **form.cleaned_data))
        if saved:
            messages.success(request, _("Added %(name)s.") % {"name": saved.name})
            return redirect(saved)
    return _form_page(request, form, title=_("Add a product"))


@require_http_methods(["GET", "POST"])
def product_edit(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    _require(permissions.can_manage_markets(actor), _("Only the secretariat edits products."))
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        saved = call_service(form, lambda: services.product_update(actor=actor, product=product, **changed))
        if saved:
            messages.success(request, _("Saved %(name)s.") % {"name": saved.name})
            return redirect(saved)
    title = _("Edit %(name)s") % {"name": product.name}
    return _form_page(request, form, title=title, product=product, history=audit_history([product]))


@require_http_methods(["GET", "POST"])
def observation_create(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    _require(permissions.can_record_prices(actor), _("Only the secretariat records prices."))
    form = ObservationForm.for_product(product, request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.observation_create(actor=actor, product=product, **form.service_fields())
        )
        if saved:
            messages.success(
                request, _("Recorded the price of %(day)s.") % {"day": saved.observed_on.isoformat()}
            )
            return redirect(product)
    title = _("Record a price of %(name)s") % {"name": product.name}
    return _form_page(request, form, title=title, product=product)


@require_http_methods(["GET", "POST"])
def observation_edit(request, pk: int):
    actor = web_actor(request)
    observation = selectors.observation_get(actor=actor, pk=pk)
    _require(permissions.can_record_prices(actor), _("Only the secretariat corrects prices."))
    form = ObservationForm.for_observation(observation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.service_fields()[name] for name in form.changed_data}
        saved = call_service(
            form, lambda: services.observation_update(actor=actor, observation=observation, **changed)
        )
        if saved:
            messages.success(
                request, _("Saved the price of %(day)s.") % {"day": saved.observed_on.isoformat()}
            )
            return redirect(observation.product)
    title = _("Correct the price of %(day)s") % {"day": observation.observed_on.isoformat()}
    return _form_page(
        request, form, title=title, product=observation.product, history=audit_history([observation])
    )


@require_POST
def observation_delete(request, pk: int):
    actor = web_actor(request)
    observation = selectors.observation_get(actor=actor, pk=pk)
    services.observation_delete(actor=actor, observation=observation)
    messages.success(
        request, _("Removed the price of %(day)s.") % {"day": observation.observed_on.isoformat()}
    )
    return redirect(observation.product)


@require_http_methods(["GET", "POST"])
def observations_import(request):
    actor = web_actor(request)
    _require(permissions.can_record_prices(actor), _("Only the secretariat imports prices."))
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = imports.observations_import(actor=actor, raw=form.cleaned_data["file"].read())
        except imports.ImportRefused as refused:
            report = refused.report
        except imports.ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        if report is not None and report.ok:
            messages.success(request, _("Imported %(n)s prices.") % {"n": report.imported})
            return redirect("markets:index")
    return render(
        request, "markets/import.html", {"form": form, "report": report, "columns": imports.COLUMNS}
    )


@require_POST
def follow(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    form = FollowForm(request.POST)
    if form.is_valid():
        margin = form.cleaned_data["margin_percent"]
        services.follow_set(actor=actor, product=product, margin_percent=margin)
        messages.success(request, _("You follow %(name)s.") % {"name": product.name})
    else:
        messages.error(request, _("Give a margin between 0 and 100 %."))
    return redirect(product)


@require_POST
def unfollow(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    services.follow_remove(actor=actor, product=product)
    messages.success(request, _("You no longer follow %(name)s.") % {"name": product.name})
    return redirect(product)


def concentration(request):
    actor = web_actor(request)
    return render(
        request,
        "markets/concentration.html",
        {"minerals": concentration_module.concentration_for(actor=actor)},
    )


def calculator(request):
    """Product, quantity and price in; the tariff out, with the working shown."""
    actor = web_actor(request)
    form = CalculatorForm(request.GET or None, products=selectors.product_list(actor=actor))
    result = reference = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        reference = selectors.reference_in_force(actor, product=data["product"], day=data["on"]).first()
        if reference is None:
            form.add_error("on", _("No reference price of this product is in force on this day."))
        else:
            result = tariff.tariff_for(
                reference=reference.amount,
                price=data["price"],
                quantity=data["quantity"],
                rule=tariff.rule_on(data["on"]),
            )
    return render(
        request, "markets/calculator.html", {"form": form, "result": result, "reference": reference}
    )


@require_http_methods(["GET", "POST"])
def reference_create(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    _require(permissions.can_manage_markets(actor), _("Only the secretariat records reference prices."))
    form = ReferencePriceForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: references.reference_price_create(actor=actor, product=product, **form.cleaned_data)
        )
        if saved:
            messages.success(
                request, _("Recorded the reference price from %(day)s.") % {"day": saved.valid_from}
            )
            return redirect(product)
    title = _("Record a reference price of %(name)s") % {"name": product.name}
    return _form_page(request, form, title=title, product=product)
