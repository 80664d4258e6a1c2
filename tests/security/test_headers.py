"""Security headers on real responses: a page, API JSON, a problem+json error, a static file, a
document download; and HSTS under the production settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.actors import Actor
from meetings import services as meeting_services
from meetings.models import Document
from members.choices import TokenScope
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSP_PARTS = ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'")


def _headers(response, names) -> dict:
    return {name: response.get(name) for name in names}


def _assert_strict(response, *, no_store: bool = True) -> None:
    assert _headers(response, COMMON) == COMMON
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert all(part in policy for part in CSP_PARTS), policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    if no_store:
        assert response["Cache-Control"] == "private, no-store"


def test_headers_on_a_signed_in_page(korea_client):
    response = korea_client.get("/meetings/")
    assert response.status_code == 200
    _assert_strict(response)


def test_headers_on_api_json(korea, api_client_for):
    response = api_client_for(TokenScope.READ, korea).get("/api/v1/meetings/")
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    _assert_strict(response)


def test_headers_on_a_problem_json_error(korea, api_client_for):
    response = api_client_for(TokenScope.READ, korea).get("/api/v1/meetings/999999999/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/problem+json")
    _assert_strict(response)


def test_headers_on_a_static_file(settings):
    settings.WHITENOISE_USE_FINDERS = True  # the suite serves /static/ from the sources
    response = Client().get("/static/css/forge.css")
    assert (response.status_code, response["Content-Type"].split(";")[0]) == (200, "text/css")
    # Served before the session: nobody's data, so it may be cached; never sniffed.
    assert _headers(response, COMMON) == COMMON
    assert "no-store" not in response.get("Cache-Control", "")


def test_headers_on_a_document_download(secretariat_client, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    document = Document.objects.create(meeting=MeetingFactory(), title="Agenda")
    meeting_services.document_version_upload(
        actor=Actor.system(),
        document=document,
        file=SimpleUploadedFile("agenda.txt", b"Opening\n", content_type="text/plain"),
    )
    response = secretariat_client.get(f"/meetings/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    _assert_strict(response)


def test_headers_on_the_sign_in_page(client):
    response = client.get("/login/")
    assert response.status_code == 200
    _assert_strict(response, no_store=False)


def test_production_settings_send_hsts_and_secure_cookies():
    """Under forge.settings.production (its own process): HSTS with subdomains and preload on
    HTTPS answers, plain HTTP redirected, cookies secure."""
    code = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
secure = client.get("/api/v1/", secure=True)
plain = client.get("/api/v1/")
print(json.dumps({
    "hsts": secure.get("Strict-Transport-Security"),
    "plain": [plain.status_code, plain.get("Location")],
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
}))
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "forge.settings.production",
        "DJANGO_SECRET_KEY": "q8W3zK7pLm" * 6,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "memory://",
    }
    env.pop("DJANGO_HSTS_SECONDS", None)
    result = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {
        "hsts": "max-age=31536000; includeSubDomains; preload",
        "plain": [301, "https://testserver/api/v1/"],
        "cookies": [True, True],
    }
