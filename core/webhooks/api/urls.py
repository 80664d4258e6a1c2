from rest_framework.routers import SimpleRouter

from core.webhooks.api import views

router = SimpleRouter()
router.register("webhooks", views.WebhookSubscriptionViewSet, basename="webhook")

urlpatterns = router.urls
