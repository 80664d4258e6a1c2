from django.contrib import admin

from core.admin import ReadOnlyAdmin, ServiceAdmin
from markets import services
from markets.models import PriceObservation, Product, ProductionFigure


@admin.register(Product)
class ProductAdmin(ServiceAdmin):
    list_display = ["name", "mineral", "unit", "currency", "price_basis", "is_example"]
    list_filter = ["unit", "currency", "is_example"]
    search_fields = ["name", "specification"]
    list_select_related = ["mineral"]
    prepopulated_fields = {"slug": ["name"]}

    def service_create(self, actor, form):
        return services.product_create(actor=actor, **form.cleaned_data)

    def service_update(self, actor, obj, changed):
        return services.product_update(actor=actor, product=obj, **changed)

    def has_delete_permission(self, request, obj=None):
        return False  # prices point at products


@admin.register(PriceObservation)
class PriceObservationAdmin(ServiceAdmin):
    """Read and remove here; prices are entered through the app, the import or the API, which
    parse and convert the quote."""

    list_display = ["product", "observed_on", "price", "currency", "unit", "price_in_basis", "source_name"]
    list_filter = ["product", "currency", "is_example"]
    list_select_related = ["product"]
    date_hierarchy = "observed_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def service_delete(self, actor, obj):
        services.observation_delete(actor=actor, observation=obj)


@admin.register(ProductionFigure)
class ProductionFigureAdmin(ReadOnlyAdmin):
    """Reference data, loaded from markets/data by `load_reference`: read-only here."""

    list_display = ["mineral", "stage", "country", "year", "quantity", "unit", "world_total", "confidence"]
    list_filter = ["stage", "confidence", "commodity"]
    list_select_related = ["mineral"]
