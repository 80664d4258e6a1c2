"""Money input: one parser for forms and the API; bad input names its field and changes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from members.choices import TokenScope
from projects.models import FundingCommitment, JointProject
from projects.money import parse_amount, parse_currency, parse_money

BAD_AMOUNTS = [
    ("-5", "The amount cannot be negative."),
    ("-0.01", "The amount cannot be negative."),
    ("abc", "Not a number: give an amount such as 1250000.00."),
    ("1,000", "Not a number: give an amount such as 1250000.00."),
    ("1_000", "Not a number: give an amount such as 1250000.00."),
    ("NaN", "Not a number: give an amount such as 1250000.00."),
    ("Infinity", "Not a number: give an amount such as 1250000.00."),
    ("1.005", "Give at most two decimal places."),
    (1.005, "Give at most two decimal places."),
    ("", "Give an amount, for example 1250000.00."),
    (None, "Give an amount, for example 1250000.00."),
    (True, "Give an amount, for example 1250000.00."),
    ("0", "The amount must be more than zero."),
    ("12345678901234567", "The amount is too large (at most 16 digits before the point)."),
]


@pytest.mark.parametrize(("raw", "message"), BAD_AMOUNTS)
def test_parse_amount_refuses_bad_input_naming_the_field(raw, message):
    with pytest.raises(ValidationError) as caught:
        parse_amount(raw, field="amount")
    assert caught.value.message_dict == {"amount": [message]}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1250000", Decimal("1250000.00")),
        (" 17.5 ", Decimal("17.50")),
        (1.5, Decimal("1.50")),
        (42, Decimal("42.00")),
        ("1.500", Decimal("1.50")),
        ("1e3", Decimal("1000.00")),
        ("9999999999999999.99", Decimal("9999999999999999.99")),
    ],
)
def test_parse_amount_accepts_numbers_with_two_decimals(raw, expected):
    assert parse_amount(raw) == expected


def test_parse_amount_allows_zero_only_for_budgets():
    assert parse_amount("0", field="budget_amount", allow_zero=True) == Decimal("0.00")


def test_parse_currency_reads_iso_codes_case_insensitively():
    assert parse_currency(" jpy ") == "JPY"


@pytest.mark.parametrize("raw", ["XYZ", "US", "EURO", "XAU", "", None, 12])
def test_parse_currency_refuses_unknown_codes_naming_the_field(raw):
    with pytest.raises(ValidationError) as caught:
        parse_currency(raw, field="budget_currency")
    assert list(caught.value.message_dict) == ["budget_currency"]


def test_parse_money_reports_both_fields_at_once():
    with pytest.raises(ValidationError) as caught:
        parse_money("-1", "ABC")
    assert caught.value.message_dict == {
        "amount": ["The amount cannot be negative."],
        "currency": ["“ABC” is not an ISO 4217 currency code (for example USD, EUR, JPY)."],
    }


# Through the API -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-5", "currency": "USD"}, "amount"),
        ({"amount": "a lot", "currency": "USD"}, "amount"),
        ({"amount": "10.125", "currency": "USD"}, "amount"),
        ({"amount": 10.125, "currency": "USD"}, "amount"),
        ({"amount": "10.00", "currency": "XYZ"}, "currency"),
        ({"amount": "10.00", "currency": "dollars"}, "currency"),
    ],
)
def test_api_commitment_with_bad_money_is_400_naming_the_field(
    api_client_for, korea, korean_project, body, field
):
    client = api_client_for(TokenScope.WRITE, korea)
    response = client.post(
        "/api/v1/funding-commitments/", {"project": korean_project.pk, "member": "KR", **body}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field]
    assert FundingCommitment.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"budget_amount": "-1", "budget_currency": "USD"}, "budget_amount"),
        ({"budget_amount": "one million", "budget_currency": "USD"}, "budget_amount"),
        ({"budget_amount": "1.999", "budget_currency": "USD"}, "budget_amount"),
        ({"budget_amount": "1000.00", "budget_currency": "ABC"}, "budget_currency"),
        ({"budget_amount": "1000.00"}, "budget_currency"),
    ],
)
def test_api_project_budget_with_bad_money_is_400_naming_the_field(
    secretariat_user, korean_project, body, field
):
    client = APIClient()
    client.force_login(secretariat_user)
    response = client.patch(f"/api/v1/projects/{korean_project.pk}/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    korean_project.refresh_from_db()
    assert (korean_project.budget_amount, korean_project.budget_currency) == (None, "")


def test_api_project_budget_is_saved_as_two_decimal_string(secretariat_user, korean_project):
    client = APIClient()
    client.force_login(secretariat_user)
    response = client.patch(
        f"/api/v1/projects/{korean_project.pk}/",
        {"budget_amount": 1250000.5, "budget_currency": "eur"},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["budget_amount"], response.json()["budget_currency"]) == ("1250000.50", "EUR")
    korean_project.refresh_from_db()
    assert (korean_project.budget_amount, korean_project.budget_currency) == (Decimal("1250000.50"), "EUR")


# Through the web forms -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("-3", "USD", "amount", "The amount cannot be negative."),
        ("ten", "USD", "amount", "Not a number: give an amount such as 1250000.00."),
        ("3.141", "USD", "amount", "Give at most two decimal places."),
        ("3.00", "QQQ", "currency", "“QQQ” is not an ISO 4217 currency code (for example USD, EUR, JPY)."),
    ],
)
def test_web_commitment_form_shows_money_errors_by_field(
    korea_client, korea, korean_project, amount, currency, field, message
):
    response = korea_client.post(
        f"/projects/{korean_project.pk}/commitments/new/",
        {"member": korea.pk, "amount": amount, "currency": currency},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert FundingCommitment.objects.count() == 0


def test_web_project_form_refuses_negative_budget(secretariat_client, korean_project):
    response = secretariat_client.post(
        f"/projects/{korean_project.pk}/edit/",
        {
            "title": "Korean lithium",
            "minerals": [m.pk for m in korean_project.minerals.all()],
            "segment": korean_project.segment,
            "host_country": "ZM",
            "lead_member": korean_project.lead_member_id,
            "budget_amount": "-3",
            "budget_currency": "USD",
            "confidentiality": "members",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"budget_amount": ["The amount cannot be negative."]}
    assert JointProject.objects.get(pk=korean_project.pk).budget_amount is None
