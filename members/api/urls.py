from django.urls import path
from rest_framework.routers import SimpleRouter

from members.api import views

router = SimpleRouter()
router.register("members", views.MemberViewSet, basename="member")
router.register("delegates", views.DelegateViewSet, basename="delegate")
router.register("chair-terms", views.ChairTermViewSet, basename="chair-term")

urlpatterns = [path("chair/", views.chair_rotation, name="chair-rotation"), *router.urls]
