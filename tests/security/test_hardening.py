"""Hardening: session lifetimes, token expiry, demo data and secret keys refused where they do
not belong, API throttles by client address behind a known number of proxies."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from core.actors import Actor
from members.services import partner_token_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_session_is_signed_out(settings, korea_client):
    _age_session(korea_client, forge_seen_at=settings.FORGE_SESSION_IDLE_SECONDS + 5)
    response = korea_client.get("/meetings/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/meetings/")
    page = korea_client.get("/login/").content.decode()
    assert "You were signed out after a period of inactivity." in page


def test_busy_session_ends_at_its_absolute_lifetime(settings, korea_client):
    _age_session(
        korea_client, forge_signed_in_at=settings.FORGE_SESSION_ABSOLUTE_SECONDS + 5, forge_seen_at=10
    )
    response = korea_client.get("/meetings/")
    assert response.status_code == 302
    assert "Your session reached its maximum length." in korea_client.get("/login/").content.decode()


def test_recent_session_stays(korea_client):
    _age_session(korea_client, forge_seen_at=120)
    assert korea_client.get("/meetings/").status_code == 200


def test_partner_tokens_expire_after_a_year_by_default(settings, db):
    settings.FORGE_PARTNER_TOKEN_DAYS = 365
    before = timezone.now()
    token, _ = partner_token_create(actor=Actor.system(), name="ministry-dms")
    assert (
        before + datetime.timedelta(days=365)
        <= token.expires_at
        <= timezone.now() + datetime.timedelta(days=365)
    )


def test_demo_data_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.FORGE_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="Demo data is refused when DEBUG is off"):
        call_command("load_demo")


@pytest.mark.parametrize(
    "key",
    [
        "insecure-development-key-change-me",
        "CHANGE-me-to-a-long-random-string-of-at-least-fifty-characters-0123456789",
        "short",
        "a" * 60,
    ],
)
def test_production_refuses_placeholder_secret_keys(key):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "forge.settings.production", "DJANGO_SECRET_KEY": key}
    result = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is a placeholder or too weak" in result.stderr


def test_production_settings_always_require_mfa():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "forge.settings.production", "FORGE_MFA_REQUIRED": "false"}
    env["DJANGO_SECRET_KEY"] = "k" + "".join(chr(65 + (n * 7) % 26) + str(n % 10) for n in range(40))
    code = "from django.conf import settings; print(settings.FORGE_MFA_REQUIRED, settings.DEBUG)"
    result = subprocess.run(  # noqa: S603 (our own fixed command)
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "True False", result.stderr


def _throttle_rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "actor": "1000/min",
            "anonymous": "1000/min",
            "rejected": "1000/min",
            **rates,
        },
    }
    cache.clear()


def test_rejected_tokens_are_throttled_by_client_address(settings, db):
    _throttle_rates(settings, rejected="3/min")
    settings.FORGE_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    guesser = Client(HTTP_AUTHORIZATION="Bearer forge_bad_guess", HTTP_X_FORWARDED_FOR="198.51.100.7")
    answers = [guesser.get("/api/v1/members/").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]
    assert guesser.get("/api/v1/members/")["Content-Type"] == "application/problem+json"
    other = Client(HTTP_AUTHORIZATION="Bearer forge_bad_guess", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.get("/api/v1/members/").status_code == 401


def test_forwarded_for_is_ignored_without_trusted_proxies(settings, db):
    _throttle_rates(settings, rejected="2/min")
    settings.FORGE_TRUSTED_PROXY_COUNT = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    answers = [
        Client(HTTP_AUTHORIZATION="Bearer forge_bad", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        .get("/api/v1/members/")
        .status_code
        for n in range(3)
    ]
    assert answers == [401, 401, 429]  # a new X-Forwarded-For each time does not reset the count


def test_anonymous_api_requests_are_throttled_by_address(settings, db):
    _throttle_rates(settings, anonymous="2/min")
    answers = [Client().get("/api/v1/members/").status_code for _ in range(3)]
    assert answers[-1] == 429
