from django.urls import path

from core.sync.api import views

urlpatterns = [
    path("changes/", views.ChangesView.as_view(), name="changes"),
    path("changes/head/", views.HeadView.as_view(), name="changes-head"),
]
