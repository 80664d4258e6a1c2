from rest_framework.routers import SimpleRouter

from decisions.api import views

router = SimpleRouter()
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("procedures", views.ProcedureViewSet, basename="procedure")
router.register("positions", views.PositionViewSet, basename="position")

urlpatterns = router.urls
