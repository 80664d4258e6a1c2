"""The admin opens to the secretariat only, and the read-only pages never offer a write."""

import pytest
from django.contrib import admin

from core.admin import ReadOnlyAdmin, SecretariatAdminMixin

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
THIRD_PARTY = {"auth", "account", "socialaccount", "mfa", "axes"}
READ_ONLY = [
    (model, model_admin) for model, model_admin in REGISTERED if isinstance(model_admin, ReadOnlyAdmin)
]


def _url(model, view: str) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{view}"


def test_every_forge_admin_is_opened_by_the_secretariat_role():
    loose = [
        model._meta.label
        for model, model_admin in REGISTERED
        if model._meta.app_label not in THIRD_PARTY and not isinstance(model_admin, SecretariatAdminMixin)
    ]
    assert loose == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "model_admin"), READ_ONLY, ids=lambda value: getattr(value, "__name__", "")
)
def test_read_only_admin_lists_but_refuses_to_add(secretariat_client, model, model_admin):
    assert secretariat_client.get(_url(model, "")).status_code == 200
    assert secretariat_client.get(_url(model, "add/")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "model_admin"), READ_ONLY, ids=lambda value: getattr(value, "__name__", "")
)
def test_read_only_admin_is_closed_to_staff_outside_the_secretariat(
    observer_user, client, model, model_admin
):
    """Django's staff flag alone opens nothing: the secretariat role does."""
    observer_user.is_staff = True
    observer_user.save(update_fields=["is_staff"])
    client.force_login(observer_user)
    assert client.get(_url(model, "")).status_code == 403
