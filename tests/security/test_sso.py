"""Single sign-on by OpenID Connect against a real provider (django-oauth-toolkit, started as
its own server process from tests/security/oidc_provider): claims map to a member and role;
claims that map to nothing are refused with a message saying why."""

import os
import selectors
import subprocess
import sys
from pathlib import Path

import pytest

from members.choices import Role
from members.models import Membership
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "forge-test-client", "forge-test-client-secret-0123456789"
START_DEADLINE_SECONDS = 120


def _port_once_serving(process: subprocess.Popen, log_path: Path) -> int:
    """The provider prints its port once its socket listens: wait for that line (bounded)."""
    waiting = selectors.DefaultSelector()
    waiting.register(process.stdout, selectors.EVENT_READ)
    if not waiting.select(timeout=START_DEADLINE_SECONDS):
        raise AssertionError(f"the identity provider did not start within {START_DEADLINE_SECONDS} s")
    line = process.stdout.readline()
    if not line.startswith("serving on port "):
        process.wait(timeout=20)
        raise AssertionError(
            f"the identity provider exited with {process.returncode}: {log_path.read_text()}"
        )
    return int(line.split()[-1])


@pytest.fixture
def identity_provider(live_server, tmp_path):
    command = [
        sys.executable,
        "-m",
        "tests.security.oidc_provider.serve",
        "--port",
        "0",
        "--db",
        str(tmp_path / "idp.sqlite3"),
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--redirect-uri",
        f"{live_server.url}/accounts/oidc/sso/login/callback/",
        "--person",
        "kim.minjun:ministry-pass-1:delegation:KR",
        "--person",
        "stranger:ministry-pass-2:delegation:XX",
    ]
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    log = (tmp_path / "idp.log").open("w")
    process = subprocess.Popen(  # noqa: S603 (our own fixed command)
        command, cwd=ROOT, env=env, stderr=log, stdout=subprocess.PIPE, text=True
    )
    try:
        port = _port_once_serving(process, tmp_path / "idp.log")
        yield f"http://127.0.0.1:{port}/o"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def sso_configured(settings, identity_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Ministry sign-in",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": identity_provider},
                }
            ]
        }
    }
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "form-action": ["'self'", identity_provider.rsplit("/o", 1)[0]]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return identity_provider


def _sign_in_with_sso(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.click("button[name=sso]")
    page.wait_for_selector("#idp-sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#idp-sign-in")
    page.wait_for_load_state()


def test_sso_lands_as_the_korean_delegation_user(live_server, page, sso_configured):
    korea = MemberFactory(iso2="KR", name="Republic of Korea", capital_time_zone="Asia/Seoul")
    _sign_in_with_sso(page, live_server.url, "kim.minjun", "ministry-pass-1")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".who a").first.inner_text().startswith("kim.minjun")  # the settings link
    assert "· delegation" in page.inner_text(".who")
    membership = Membership.objects.select_related("user").get(user__username="kim.minjun")
    assert (membership.role, membership.member_id) == (Role.DELEGATION, korea.pk)
    assert not membership.user.has_usable_password()  # an SSO account signs in only through SSO


def test_sso_refuses_claims_that_map_to_no_member(live_server, page, sso_configured):
    MemberFactory(iso2="KR", name="Republic of Korea")
    _sign_in_with_sso(page, live_server.url, "stranger", "ministry-pass-2")
    assert page.locator("h1").inner_text() == "Sign-in refused"
    assert "names no FORGE member (claim “forge_member”: “XX”)" in page.inner_text("main")
    assert not Membership.objects.filter(user__username="stranger").exists()
    page.goto(f"{live_server.url}/meetings/")
    assert page.url.startswith(f"{live_server.url}/login/")
