import re
import uuid

from django.contrib.auth.views import redirect_to_login

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Paths reachable without a session: they authenticate otherwise (API tokens, secret
# calendar URLs) or must answer to anyone (health checks, login).
PUBLIC_PREFIXES = ("/login/", "/accounts/", "/api/", "/healthz", "/static/", "/admin/", "/calendar/")


class RequestIdMiddleware:
    """Tags each request with an id (the caller's X-Request-ID when sane) for logs and audit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreMiddleware:
    """Nothing answered to a signed-in user or a token is kept by a browser or a shared cache:
    pages and API answers carry restricted records. A view that chose its own caching keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class LoginRequiredMiddleware:
    """The web UI is for signed-in users only; everything else says who may enter itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(PUBLIC_PREFIXES) and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class DomainErrorMiddleware:
    """Turns a domain error escaping a web view into the matching error page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db.models import ProtectedError, RestrictedError
        from django.shortcuts import render
        from django.utils.translation import gettext

        from core.errors import DomainError, still_held

        if isinstance(exception, ProtectedError | RestrictedError):
            exception = still_held(exception)
        if not isinstance(exception, DomainError):
            return None
        return render(
            request,
            "error.html",
            {
                "status": exception.status_code,
                "title": gettext(exception.title),
                "message": exception.message,
            },
            status=exception.status_code,
        )
