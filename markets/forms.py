"""Web forms. They parse and shape input; prices go through markets.pricing (the parser the
CSV import and the API use), and every write goes through a service (views call them)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from decisions.choices import DecisionStatus
from decisions.models import Decision
from decisions.permissions import decision_visible_q
from markets.choices import Unit
from markets.models import PriceObservation, Product


class DecimalText(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "slug", "mineral", "specification", "unit", "currency", "price_basis", "is_example"]
        labels = {"mineral": _("Mineral"), "is_example": _("Example")}
        help_texts = {"is_example": _("Invented demo data, shown labelled.")}


class ObservationForm(forms.Form):
    """The quote stays text here: markets.pricing parses it (one parser for every channel)."""

    observed_on = forms.DateField(label=_("Date observed"), widget=DateInput())
    price = forms.CharField(label=_("Price"), widget=DecimalText(), help_text=_("Up to four decimals."))
    currency = forms.CharField(label=_("Currency"), max_length=10, help_text=_("ISO 4217 code, e.g. USD."))
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    exchange_rate = forms.CharField(
        label=_("Exchange rate"),
        required=False,
        widget=DecimalText(),
        help_text=_(
            "Only for a price in another currency than the product's: units of the product's currency per unit of this one."
        ),
    )
    exchange_rate_on = forms.DateField(label=_("Exchange rate date"), required=False, widget=DateInput())
    exchange_rate_source = forms.CharField(label=_("Exchange rate source"), required=False, max_length=200)
    source_name = forms.CharField(label=_("Source"), max_length=200)
    source_url = forms.URLField(label=_("Source URL"), required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    @classmethod
    def initial_for(cls, observation: PriceObservation) -> dict:
        """The form's values for a stored observation (prices as typed, without trailing zeros)."""
        initial = {name: getattr(observation, name) for name in cls.base_fields}
        initial["price"] = f"{observation.price.normalize():f}"
        if observation.exchange_rate is not None:
            initial["exchange_rate"] = f"{observation.exchange_rate.normalize():f}"
        return initial

    def clean(self) -> dict:
        data = super().clean()
        # No rate is None for the service (an empty text would be a rate it cannot parse).
        data["exchange_rate"] = data.get("exchange_rate") or None
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8 CSV with a header row; see the columns below.")
    )


class FollowForm(forms.Form):
    margin_percent = forms.DecimalField(
        label=_("Also alert within (%) above the reference"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("0"),
    )


class CalculatorForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.DecimalField(
        label=_("Quantity (in the product's unit)"), min_value=Decimal("0.0001"), decimal_places=4
    )
    price = forms.DecimalField(
        label=_("Price per unit (product's currency)"), min_value=Decimal("0.0001"), decimal_places=4
    )
    on = forms.DateField(
        label=_("Date"), widget=DateInput(), help_text=_("The reference price in force on this day applies.")
    )

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products if products is not None else Product.objects.all()


class ChartWindowForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def window(self) -> dict:
        """The chosen days (bad input is ignored: the default window applies)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


class ReferencePriceForm(forms.Form):
    amount = forms.CharField(
        label=_("Reference price"),
        widget=DecimalText(),
        help_text=_("In the product's currency, per its unit."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: until a new reference price replaces it."),
    )
    adopted_by = forms.ModelChoiceField(label=_("Adopted by"), queryset=Decision.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted_by"].queryset = Decision.objects.filter(
            decision_visible_q(actor), status=DecisionStatus.ADOPTED
        ).order_by("-adopted_at")
