"""Pages that draw on every app: the dashboard and the error pages."""

from django.shortcuts import render
from django.utils import timezone

from core.api.exceptions import api_not_found, api_server_error
from members.selectors import rotation_on


def dashboard(request):
    today = timezone.localdate()
    return render(request, "dashboard.html", {"rotation": rotation_on(today), "today": today})


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return render(
        request,
        "error.html",
        {"status": 404, "title": "Not found", "message": "There is nothing here, or it is not yours to see."},
        status=404,
    )


def server_error(request):
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return render(
        request,
        "error.html",
        {
            "status": 500,
            "title": "Something went wrong",
            "message": "The error has been logged. Please try again.",
        },
        status=500,
    )
