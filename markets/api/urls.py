from rest_framework.routers import SimpleRouter

from markets.api import views

router = SimpleRouter()
router.register("products", views.ProductViewSet, basename="product")
router.register("price-observations", views.ObservationViewSet, basename="price-observation")
router.register("production-figures", views.ProductionFigureViewSet, basename="production-figure")
router.register("concentration", views.ConcentrationViewSet, basename="concentration")

urlpatterns = router.urls
