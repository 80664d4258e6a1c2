"""Calendar subscription URLs, mounted at /calendar/: reachable without a session, the secret
token in the URL is the credential (core.middleware lists /calendar/ as public)."""

from django.urls import path

from meetings import views

urlpatterns = [
    path("user/<str:token>.ics", views.user_feed, name="calendar_user"),
    path("member/<str:token>.ics", views.member_feed, name="calendar_member"),
]
