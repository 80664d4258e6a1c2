"""Sign-in: allauth's form at /login/ (user name or e-mail), lockout by django-axes per account
and per address on the site and the admin, MFA enrolment required for the secretariat."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from members.choices import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts: this account is locked for 1 hour."


def _sign_in(client: Client, username: str, password: str, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_sign_in_with_user_name_or_email(korea_user):
    korea_user.email = "korea@mofa.example.org"
    korea_user.save()
    by_name = _sign_in(Client(), "korea", "pw")
    by_email = _sign_in(Client(), "KOREA@mofa.example.org", "pw")
    assert (by_name.status_code, by_name["Location"]) == (302, "/")
    assert (by_email.status_code, by_email["Location"]) == (302, "/")


def test_wrong_password_names_the_problem(korea_user):
    response = _sign_in(Client(), "korea", "wrong-password")
    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in response.content.decode()


def test_sixth_wrong_password_locks_the_account_until_the_secretariat_unlocks(korea_user):
    client = Client()
    answers = [_sign_in(client, "korea", f"wrong-{n}").status_code for n in range(6)]
    assert answers == [200, 200, 200, 200, 200, 429]
    refused = _sign_in(client, "korea", "pw")  # the right password no longer helps
    assert refused.status_code == 429
    assert LOCKED in refused.content.decode()
    call_command("axes_reset_username", "korea")
    assert _sign_in(client, "korea", "pw").status_code == 302


def test_lockout_counts_guesses_per_address_across_accounts(korea_user, japan_user):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(6):
        _sign_in(client, f"nobody-{n}", "guess")
    assert _sign_in(client, "japan", "pw").status_code == 429
    assert _sign_in(Client(REMOTE_ADDR="203.0.113.10"), "japan", "pw").status_code == 302


def test_admin_sign_in_goes_through_the_site_form(secretariat_user):
    response = Client().get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=%2Fadmin%2F")


def test_admin_lockout_is_the_same_counter(secretariat_user):
    client = Client()
    for n in range(6):
        client.post("/login/?next=/admin/", {"username": "secretariat", "password": f"x{n}"})
    assert AccessAttempt.objects.filter(username="secretariat").get().failures_since_start == 6
    assert (
        client.post("/login/?next=/admin/", {"username": "secretariat", "password": "pw"}).status_code == 429
    )


def test_secretariat_without_second_factor_is_sent_to_enrol(settings, secretariat_client, korea_client):
    settings.FORGE_MFA_REQUIRED = True
    response = secretariat_client.get("/meetings/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/totp/activate/")
    assert secretariat_client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"
    assert korea_client.get("/meetings/").status_code == 200  # optional for delegations


def test_secretariat_with_totp_passes(settings, secretariat_user, secretariat_client):
    from allauth.mfa.totp.internal.auth import TOTP

    settings.FORGE_MFA_REQUIRED = True
    TOTP.activate(secretariat_user, "JBSWY3DPEHPK3PXP")
    assert secretariat_client.get("/meetings/").status_code == 200


def test_passwords_need_twelve_characters(db):
    user = user_with_role(Role.OBSERVER, username="observer2")
    with pytest.raises(ValidationError) as error:
        validate_password("Tr0ub4dor&3", user)
    assert "This password is too short. It must contain at least 12 characters." in error.value.messages
    validate_password("correct horse battery", user)


def test_open_sign_up_is_closed(db):
    response = Client().get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
