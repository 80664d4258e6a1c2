"""The markets app's resources on the change feed (core.sync.registry): each with the
queryset and serializer of its list, so a feed object is what a full sync gives."""

from core.sync.registry import register_list
from markets import selectors
from markets.api import serializers
from markets.models import PriceObservation, Product, ProductionFigure, ReferencePrice

register_list("products", Product, serializers.ProductSerializer, selectors.product_list)
register_list(
    "price-observations", PriceObservation, serializers.ObservationSerializer, selectors.observation_list
)
register_list(
    "production-figures",
    ProductionFigure,
    serializers.ProductionFigureSerializer,
    selectors.production_figure_list,
)
register_list(
    "reference-prices",
    ReferencePrice,
    serializers.ReferencePriceSerializer,
    selectors.reference_price_list,
    follows="adopted_by",
)
