from rest_framework.routers import SimpleRouter

from projects.api import views

router = SimpleRouter()
router.register("minerals", views.MineralViewSet, basename="mineral")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("project-participants", views.ParticipantViewSet, basename="project-participant")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("funding-commitments", views.FundingCommitmentViewSet, basename="funding-commitment")
router.register("project-updates", views.ProjectUpdateViewSet, basename="project-update")

urlpatterns = router.urls
