from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """Units a price is quoted per. Mass units only: each converts to the others by an exact
    factor (markets.units); a unit of another kind would need a product-specific factor."""

    TONNE = "t", _("tonne (t)")
    KILOGRAM = "kg", _("kilogram (kg)")
    GRAM = "g", _("gram (g)")
    POUND = "lb", _("pound (lb)")
    TROY_OUNCE = "toz", _("troy ounce (oz t)")


class ProductionStage(models.TextChoices):
    MINE = "mine", _("Mine production")
    REFINERY = "refinery", _("Refinery production")


class Confidence(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")


class AlertZone(models.TextChoices):
    """Where an observation sits against the reference price in force on its date."""

    NONE = "", _("No reference price")
    ABOVE = "above", _("At or above the reference")
    BELOW = "below", _("Below the reference")
