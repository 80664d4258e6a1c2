from rest_framework.routers import SimpleRouter

from meetings.api import views

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("invitations", views.InvitationViewSet, basename="invitation")
router.register("registrations", views.RegistrationViewSet, basename="registration")
router.register("agenda-items", views.AgendaItemViewSet, basename="agenda-item")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("outcomes", views.OutcomeViewSet, basename="outcome")
router.register("action-items", views.ActionItemViewSet, basename="action-item")

urlpatterns = router.urls
