from django.urls import path
from rest_framework.routers import SimpleRouter

from markets.api import views

router = SimpleRouter()
router.register("products", views.ProductViewSet, basename="product")
router.register("price-observations", views.ObservationViewSet, basename="price-observation")
router.register("reference-prices", views.ReferencePriceViewSet, basename="reference-price")
router.register("production-figures", views.ProductionFigureViewSet, basename="production-figure")

urlpatterns = [
    *router.urls,
    path("concentration/", views.ConcentrationListView.as_view(), name="concentration-list"),
    path("concentration/<slug:slug>/", views.ConcentrationDetailView.as_view(), name="concentration-detail"),
]
