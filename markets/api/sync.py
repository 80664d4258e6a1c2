"""The markets app's resources on the change feed (core.sync.registry): each with the
queryset and serializer of its list, so a feed object is what a full sync gives."""

from core.sync.registry import register
from markets import selectors
from markets.api import serializers
from markets.models import PriceObservation, Product, ProductionFigure, ReferencePrice

register(
    resource="products",
    model=Product,
    serializer_class=serializers.ProductSerializer,
    queryset=lambda actor: selectors.product_list(actor=actor),
)
register(
    resource="price-observations",
    model=PriceObservation,
    serializer_class=serializers.ObservationSerializer,
    queryset=lambda actor: selectors.observation_list(actor=actor),
)
register(
    resource="production-figures",
    model=ProductionFigure,
    serializer_class=serializers.ProductionFigureSerializer,
    queryset=lambda actor: selectors.production_figure_list(actor=actor),
)
register(
    resource="reference-prices",
    model=ReferencePrice,
    serializer_class=serializers.ReferencePriceSerializer,
    queryset=lambda actor: selectors.reference_price_list(actor=actor),
    follows="adopted_by",
)
