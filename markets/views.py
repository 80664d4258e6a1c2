"""Web pages of the markets app: thin views over selectors, forms and services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.actors import web_actor
from core.edit import ObjectEditView
from markets import charts, imports, permissions, price_table, references, selectors, services, tariff
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


@require_safe
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


@require_safe
def product_detail(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    window = ChartWindowForm(request.GET or None)
    start, end = selectors.chart_window(actor=actor, product=product, **window.window())
    observations, periods = selectors.price_series(actor=actor, product=product, start=start, end=end)
    priced = price_table.with_figures(observations)
    follow = selectors.follow_for(actor=actor, product=product)
    return render(
        request,
        "markets/product_detail.html",
        {
            "product": product,
            "window": window,
            "start": start,
            "end": end,
            "price_rows": price_table.table_rows(priced, can_record=permissions.can_record_prices(actor)),
            "periods": periods,
            "chart": product_chart(product, priced, periods),
            "follow": follow,
            "follow_form": FollowForm(initial={"margin_percent": follow.margin_percent if follow else 0}),
            "can_manage": permissions.can_manage_markets(actor),
            "can_record": permissions.can_record_prices(actor),
            "can_follow": permissions.can_follow(actor),
        },
    )


def product_chart(product, priced, periods) -> str:
    points = [
        charts.PricePoint(
            row["observed_on"],
            row["price_in_basis"],
            row["reference_amount"],
            tariff.rate_percent(figures.rate) if figures else None,
        )
        for row, figures in priced
    ]
    bands = [charts.Period(p.valid_from, p.valid_until, p.amount) for p in periods]
    title = _("%(product)s: observed prices against the reference band, and the tariff") % {
        "product": product.name
    }
    return charts.price_chart(
        title=title, quote=product.quote, points=points, periods=bands, cap=tariff.RULES[-1].cap
    )


class MarketEdit(ObjectEditView):
    """The markets app's create and edit pages: a product's or one of its parts (prices,
    reference prices, follows). A create page's URL names the product, an edit page's the
    object; either way it returns to the product."""

    template_name = "markets/form.html"
    submit = _("Save")

    def get_parent(self):
        if self.object is not None:
            return getattr(self.object, "product", self.object)
        return selectors.product_get(actor=self.actor, slug=self.kwargs["slug"])

    def get_success_url(self, saved) -> str:
        return self.parent.get_absolute_url()

    def get_context_data(self, form):
        return {**super().get_context_data(form), "product": self.parent, "submit": self.submit}


class ProductCreate(MarketEdit):
    form_class = ProductForm
    title = _("Add a product")
    success_message = _("Added {object.name}.")

    def get_parent(self):
        return None

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def save(self, fields):
        return services.product_create(actor=self.actor, **fields)

    def get_success_url(self, saved) -> str:
        return saved.get_absolute_url()


class ProductEdit(MarketEdit):
    form_class = ProductForm
    title = _("Edit {object.name}")
    success_message = _("Saved {object.name}.")

    def get_object(self):
        return selectors.product_get(actor=self.actor, slug=self.kwargs["slug"])

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def save(self, fields):
        return services.product_update(actor=self.actor, product=self.object, **fields)


class ObservationCreate(MarketEdit):
    form_class = ObservationForm
    title = _("Record a price of {parent.name}")
    success_message = _("Recorded the price of {object.observed_on}.")

    def guard(self) -> None:
        permissions.require_record(self.actor)

    def get_form_kwargs(self):
        return {"initial": {"currency": self.parent.currency, "unit": self.parent.unit}}

    def save(self, fields):
        return services.observation_create(actor=self.actor, product=self.parent, **fields)


class ObservationEdit(MarketEdit):
    form_class = ObservationForm
    title = _("Correct the price of {object.observed_on}")
    success_message = _("Saved the price of {object.observed_on}.")

    def get_object(self):
        return selectors.observation_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_record(self.actor)

    def get_form_kwargs(self):
        return {"initial": ObservationForm.initial_for(self.object)}

    def edits_instance(self, form) -> bool:
        return True  # a correction passes only what changed, as the API's PATCH does

    def save(self, fields):
        return services.observation_update(actor=self.actor, observation=self.object, **fields)


class ReferencePriceCreate(MarketEdit):
    form_class = ReferencePriceForm
    title = _("Record a reference price of {parent.name}")
    success_message = _("Recorded the reference price from {object.valid_from}.")

    def guard(self) -> None:
        permissions.require_manage(self.actor)

    def get_form_kwargs(self):
        return {"actor": self.actor}

    def save(self, fields):
        return references.reference_price_create(actor=self.actor, product=self.parent, **fields)


class Follow(MarketEdit):
    form_class = FollowForm
    title = _("Follow {parent.name}")
    submit = _("Follow")
    success_message = _("You follow {object.product.name}.")

    def guard(self) -> None:
        permissions.require_follow(self.actor)

    def get_form_kwargs(self):
        follow = selectors.follow_for(actor=self.actor, product=self.parent)
        return {"initial": {"margin_percent": follow.margin_percent}} if follow else {}

    def save(self, fields):
        return services.follow_set(actor=self.actor, product=self.parent, **fields)


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
    permissions.require_record(actor)
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
def unfollow(request, slug: str):
    actor = web_actor(request)
    product = selectors.product_get(actor=actor, slug=slug)
    services.follow_remove(actor=actor, product=product)
    messages.success(request, _("You no longer follow %(name)s.") % {"name": product.name})
    return redirect(product)


@require_safe
def concentration(request):
    actor = web_actor(request)
    return render(
        request,
        "markets/concentration.html",
        {"minerals": concentration_module.concentration_for(actor=actor)},
    )


@require_safe
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
