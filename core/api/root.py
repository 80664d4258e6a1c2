"""The API's own answers where no viewset answers: the index at /api/v1/ and the fallback.

Every path under /api/ answers as the API: an unknown path is a problem+json 404 whatever
the method (never the site's HTML page, not even with DEBUG on), and a known path without
its trailing slash is redirected with 308, which keeps the method and the body (Django's
APPEND_SLASH answers 301, which clients replay as a GET, and refuses POST under DEBUG).
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, URLResolver, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.exceptions import PROBLEM_CONTENT_TYPE, api_not_found
from core.api.renderers import ORJSONRenderer


class IndexSerializer(serializers.Serializer):
    resources = serializers.DictField(
        child=serializers.URLField(), help_text="Each collection of this API and its URL."
    )
    schema = serializers.URLField(help_text="The OpenAPI 3 document.")
    docs = serializers.URLField(help_text="The human-readable documentation.")


def collection_routes(patterns, prefix: str = "") -> list[str]:
    """The parameter-free routes (collections and named endpoints) among URL patterns."""
    routes: list[str] = []
    for entry in patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            routes += collection_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and route and not any(c in route for c in "<(?*+[\\"):
            routes.append(route)
    return routes


class ApiIndexView(APIView):
    """An index of the API: every collection with its URL, and where the OpenAPI document is."""

    patterns: list = []

    @extend_schema(operation_id="api_index", responses=IndexSerializer, tags=["api"])
    def get(self, request):
        base = request.build_absolute_uri(request.path)
        resources = {route.rstrip("/"): base + route for route in sorted(collection_routes(self.patterns))}
        return Response(
            {
                "resources": resources,
                "schema": request.build_absolute_uri("/api/schema/"),
                "docs": request.build_absolute_uri("/api/docs/"),
            }
        )


class ProblemErrorsMixin:
    """Errors of a view whose success is not JSON (the YAML document, the docs pages) are still
    problem+json: without this a PUT on /api/schema/ answered its problem as YAML, labelled
    application/problem+json."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = ORJSONRenderer()
        self.request.accepted_media_type = PROBLEM_CONTENT_TYPE
        return response


class SchemaView(ProblemErrorsMixin, SpectacularAPIView):
    """The OpenAPI document (GET); any other method is a problem+json 405 with `Allow`."""


class SwaggerView(ProblemErrorsMixin, SpectacularSwaggerSplitView):
    pass


class RedocView(ProblemErrorsMixin, SpectacularRedocView):
    pass


@csrf_exempt  # answers the same to everyone and changes nothing
def api_fallback(request, rest: str = ""):
    """Any method on a path under /api/ that nothing else matched."""
    if not request.path.endswith("/") and _answers(request.path + "/"):
        target = request.path + "/"
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        return HttpResponsePermanentRedirect(target, preserve_request=True)
    return api_not_found(request)


def _answers(path: str) -> bool:
    try:
        return resolve(path).func is not api_fallback
    except Resolver404:
        return False
