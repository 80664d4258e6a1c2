"""In Chromium: a secretariat user enrols TOTP when asked, signs out, signs in with password and
code (a wrong code is refused), and the sixth wrong password in a row locks the account."""

import time

import pyotp
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _codes_around(secret: str) -> set[str]:
    totp, now = pyotp.TOTP(secret), time.time()
    return {totp.at(now + step * 30) for step in (-1, 0, 1)}


def _a_wrong_code(secret: str) -> str:
    valid = _codes_around(secret)
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _submit_password(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form[action='/login/'] button[type=submit]")
    page.wait_for_load_state()


def test_secretariat_enrols_totp_then_signs_in_with_code(settings, live_server, page, secretariat_user):
    settings.FORGE_MFA_REQUIRED = True
    base = live_server.url

    _submit_password(page, base, "secretariat", "pw")
    page.wait_for_url(f"{base}/accounts/2fa/totp/activate/")
    assert "Your role requires two-factor authentication." in page.inner_text("main")
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.press("input[name=code]", "Enter")
    page.wait_for_load_state()
    assert "/activate/" not in page.url, page.inner_text("main")
    page.goto(f"{base}/meetings/")
    assert page.url == f"{base}/meetings/"

    page.click("form[action='/logout/'] button")
    page.wait_for_url(f"{base}/login/")

    _submit_password(page, base, "secretariat", "pw")
    page.wait_for_url(f"{base}/accounts/2fa/authenticate/")
    page.fill("input[name=code]", _a_wrong_code(secret))
    page.press("input[name=code]", "Enter")
    page.wait_for_load_state()
    assert "Incorrect code." in page.inner_text("main")
    assert page.url == f"{base}/accounts/2fa/authenticate/"

    # The enrolment code is spent; the next step's code is inside the tolerance window.
    page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))
    page.press("input[name=code]", "Enter")
    page.wait_for_url(f"{base}/")
    assert "secretariat" in page.inner_text(".who")


def test_sixth_wrong_password_locks_with_a_clear_message(live_server, page, korea_user):
    base = live_server.url
    for attempt in range(1, 6):
        _submit_password(page, base, "korea", f"wrong-{attempt}")
        assert "not correct" in page.inner_text("main"), f"attempt {attempt}"
    _submit_password(page, base, "korea", "wrong-6")
    assert "Too many failed sign-in attempts: this account is locked for 1 hour." in page.inner_text("main")
    _submit_password(page, base, "korea", "pw")
    assert page.url.startswith(f"{base}/login/")
    assert "Too many failed sign-in attempts" in page.inner_text("main")
