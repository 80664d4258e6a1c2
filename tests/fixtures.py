"""Fixtures every app's tests use: actors, signed-in clients, API clients with tokens."""

from __future__ import annotations

import datetime
import os

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from core.actors import Actor
from core.choices import Channel
from members.choices import Role, TokenScope
from members.permissions import actor_for_user
from members.services import partner_token_create
from tests.factories import MemberFactory, user_with_role


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page asked for in Korean leaves Korean active
    in the thread that served it (Django activates a language per request, never resets it)."""
    translation.deactivate()
    yield
    translation.deactivate()


# The date many tests were written against: their meetings, action items and milestones fall
# in 2027, ahead of it, and dates they compute once ("today") must stay today while they run.
WRITTEN_ON = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def pinned_clock():
    """The clock at WRITTEN_ON, ticking: such tests pass on any date and across midnight."""
    with time_machine.travel(WRITTEN_ON, tick=True):
        yield


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system(Channel.COMMAND, label="tests")


@pytest.fixture
def korea(db):
    return MemberFactory(iso2="KR", name="Republic of Korea", capital_time_zone="Asia/Seoul")


@pytest.fixture
def japan(db):
    return MemberFactory(iso2="JP", name="Japan", capital_time_zone="Asia/Tokyo")


@pytest.fixture
def secretariat_user(db):
    return user_with_role(Role.SECRETARIAT_ADMIN, username="secretariat")


@pytest.fixture
def staff_user(db):
    return user_with_role(Role.SECRETARIAT_STAFF, username="staff")


@pytest.fixture
def korea_user(korea):
    return user_with_role(Role.DELEGATION, korea, username="korea")


@pytest.fixture
def japan_user(japan):
    return user_with_role(Role.DELEGATION, japan, username="japan")


@pytest.fixture
def observer_user(db):
    return user_with_role(Role.OBSERVER, username="observer")


@pytest.fixture
def secretariat_actor(secretariat_user) -> Actor:
    return actor_for_user(secretariat_user)


@pytest.fixture
def korea_actor(korea_user) -> Actor:
    return actor_for_user(korea_user)


@pytest.fixture
def japan_actor(japan_user) -> Actor:
    return actor_for_user(japan_user)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def secretariat_client(secretariat_user) -> Client:
    return _signed_in(secretariat_user)


@pytest.fixture
def korea_client(korea_user) -> Client:
    return _signed_in(korea_user)


@pytest.fixture
def japan_client(japan_user) -> Client:
    return _signed_in(japan_user)


@pytest.fixture
def observer_client(observer_user) -> Client:
    return _signed_in(observer_user)


@pytest.fixture
def make_token(system_actor):
    """make_token(scope="read", member=None, name=None) -> raw token string."""
    counter = {"n": 0}

    def make(scope: str = TokenScope.READ, member=None, name: str | None = None, expires_in_days=None) -> str:
        counter["n"] += 1
        _, raw = partner_token_create(
            actor=system_actor,
            name=name or f"token-{counter['n']}",
            scope=scope,
            member=member,
            expires_in_days=expires_in_days,
        )
        return raw

    return make


@pytest.fixture
def api_client_for(make_token):
    """api_client_for(scope, member) -> an APIClient sending that token as a Bearer."""

    def make(scope: str = TokenScope.READ, member=None) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(scope=scope, member=member)}")
        return client

    return make


# Browser ------------------------------------------------------------------------------------
# One Chromium for the whole run: Playwright's sync API allows one running instance per
# thread, so every browser test shares this session fixture. It is the system's Chromium;
# Playwright's own browser download is not used.

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = os.environ.get("FORGE_CHROMIUM") or "/usr/bin/chromium"
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def submit_sign_in(page, base_url: str, username: str, password: str = "pw") -> None:
    """Signs `page` in through the sign-in form and waits for the home page it lands on."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def sign_in(live_server, page):
    """Signs the test's one `page` in as a user (the page keeps that user's cookies)."""

    def sign_in_as(username: str, password: str = "pw"):
        submit_sign_in(page, live_server.url, username, password)
        return page

    return sign_in_as


@pytest.fixture
def signed_in(browser, live_server):
    """A page signed in as `username`, each in its own browser context (its own cookies), for
    tests where several users act side by side."""
    contexts = []

    def open_as(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        submit_sign_in(page, live_server.url, username)
        return page

    yield open_as
    for context in contexts:
        context.close()
