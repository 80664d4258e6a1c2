"""Deleting an object that other records still point at: a 409 naming them, never a 500.

Generic over the code: every API route that answers DELETE and every admin that may delete is
found from the URL configuration and the admin site, and every record that can refer to the
object is built with its factory (tests.factories), so a new app's resources are covered
once they have factories. A reference that protects its target (PROTECT or RESTRICT) must
give 409 with `held_by`; any other (CASCADE, SET_NULL, many-to-many) lets the delete through.
"""

from __future__ import annotations

import inspect

import factory
import pytest
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

import tests.factories as factories
from members.choices import TokenScope
from members.models import Delegate
from tests.factories import DelegateFactory, InvitationFactory, RegistrationFactory

PROTECTING = (models.PROTECT, models.RESTRICT)


def _factories() -> dict[type[models.Model], type[factory.django.DjangoModelFactory]]:
    found = {}
    for _, value in inspect.getmembers(factories, inspect.isclass):
        if issubclass(value, factory.django.DjangoModelFactory) and value._meta.model is not None:
            found.setdefault(value._meta.model, value)
    return found


FACTORIES = _factories()


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def deletable_api_routes() -> list[tuple[type[models.Model], str, str]]:
    """(model, url name, lookup kwarg) of every API detail route that answers DELETE."""
    routes = []
    for route, pattern in _patterns(get_resolver().url_patterns):
        callback = pattern.callback
        actions = getattr(callback, "actions", None) or {}
        if not route.startswith("api/") or actions.get("delete") != "destroy":
            continue
        viewset = callback.cls
        if "delete" not in viewset.http_method_names:
            continue
        serializer_class = viewset.serializer_class or viewset(action="destroy").get_serializer_class()
        model = serializer_class.Meta.model
        routes.append((model, pattern.name, viewset.lookup_url_kwarg or viewset.lookup_field))
    return sorted(routes, key=lambda route: route[1])


def holding_relations(model: type[models.Model]) -> list:
    """Every relation by which another record can refer to an instance of `model`."""
    return [rel for rel in model._meta.related_objects if rel.related_model is not model or rel.one_to_one]


def build_holders(target: models.Model) -> tuple[list[models.Model], set[str]]:
    """One record per relation that can refer to `target`, and the labels of those that protect it."""
    holders, protecting = [], set()
    for rel in holding_relations(type(target)):
        holder_factory = FACTORIES.get(rel.related_model)
        protects = getattr(rel, "on_delete", None) in PROTECTING
        if holder_factory is None:
            assert not protects, (
                f"{rel.related_model._meta.label} protects {type(target)._meta.label} ({rel.field.name}); "
                "add a factory for it to tests/factories so this test covers the hold"
            )
            continue
        if rel.many_to_many:
            holder = holder_factory()
            getattr(holder, rel.field.name).add(target)
        else:
            holder = holder_factory(**{rel.field.name: target})
        holders.append(holder)
        if protects:
            protecting.add(rel.related_model._meta.label_lower)
    return holders, protecting


def _problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json", response.content[:300]
    return response.json()


@pytest.fixture
def secretariat_api(secretariat_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(secretariat_user)
    return client


ROUTES = deletable_api_routes()


def test_deletable_api_routes_found():
    names = {name for _, name, _ in ROUTES}
    assert {"delegate-detail", "agenda-item-detail", "action-item-detail"} <= names, names


@pytest.mark.parametrize(("model", "url_name", "lookup"), ROUTES, ids=[name for _, name, _ in ROUTES])
def test_api_delete_of_a_held_object_is_409_or_goes_through(secretariat_api, model, url_name, lookup):
    target_factory = FACTORIES.get(model)
    if target_factory is None:
        # Only what nothing protects may go without a factory (it cannot be held).
        assert not any(getattr(rel, "on_delete", None) in PROTECTING for rel in holding_relations(model)), (
            f"add a factory for {model._meta.label} to tests/factories"
        )
        pytest.skip(f"{model._meta.label}: nothing protects it and it has no factory")
    target = target_factory()
    holders, protecting = build_holders(target)

    response = secretariat_api.delete(reverse(url_name, kwargs={lookup: getattr(target, lookup, target.pk)}))

    if protecting:
        assert response.status_code == 409, response.content[:500]
        body = _problem(response)
        assert body["title"] == "Still in use"
        assert {entry["kind"] for entry in body["held_by"]} == protecting
        assert model.objects.filter(pk=target.pk).exists()
        for holder in holders:
            assert type(holder).objects.filter(pk=holder.pk).exists()
    else:
        assert response.status_code == 204, response.content[:500]
        assert not model.objects.filter(pk=target.pk).exists()


def test_api_delete_of_a_registered_delegate_by_its_delegation_is_409_naming_the_registration(
    korea, api_client_for
):
    registration = RegistrationFactory(invitation=InvitationFactory(member=korea))
    delegate = registration.delegate
    client = api_client_for(TokenScope.WRITE, korea)

    response = client.delete(f"/api/v1/delegates/{delegate.pk}/")

    assert response.status_code == 409
    body = _problem(response)
    assert body["status"] == 409
    assert body["held_by"] == [
        {"kind": "meetings.registration", "id": registration.pk, "name": str(registration)}
    ]
    assert body["detail"] == (
        f"Delegate “{delegate}” cannot be deleted: it is still referred to by 1 registration "
        f"(“{registration}”). Remove or change those first."
    )
    assert Delegate.objects.filter(pk=delegate.pk).exists()


def test_api_delete_of_an_unregistered_delegate_is_204(korea, api_client_for):
    delegate = DelegateFactory(member=korea)

    response = api_client_for(TokenScope.WRITE, korea).delete(f"/api/v1/delegates/{delegate.pk}/")

    assert response.status_code == 204
    assert not Delegate.objects.filter(pk=delegate.pk).exists()


def test_web_delete_of_a_registered_delegate_shows_the_same_message(korea_client, korea):
    registration = RegistrationFactory(invitation=InvitationFactory(member=korea))
    delegate = registration.delegate

    response = korea_client.post(reverse("members:delegate_delete", args=[delegate.pk]))

    assert response.status_code == 409
    page = response.content.decode()
    assert f"Delegate “{delegate}” cannot be deleted: it is still referred to by 1 registration" in page
    assert f"“{registration}”" in page
    assert Delegate.objects.filter(pk=delegate.pk).exists()


def test_web_delete_of_an_unregistered_delegate_removes_it(korea_client, korea):
    delegate = DelegateFactory(member=korea)

    response = korea_client.post(reverse("members:delegate_delete", args=[delegate.pk]))

    assert response.status_code == 302
    assert response["Location"] == korea.get_absolute_url()
    assert not Delegate.objects.filter(pk=delegate.pk).exists()


def test_web_delete_of_another_delegations_delegate_is_404(korea_client, japan):
    delegate = DelegateFactory(member=japan)

    response = korea_client.post(reverse("members:delegate_delete", args=[delegate.pk]))

    assert response.status_code == 404
    assert Delegate.objects.filter(pk=delegate.pk).exists()


def _admin_deletable_models(user) -> list[type[models.Model]]:
    request = type("Request", (), {"user": user})()
    return sorted(
        (
            model
            for model, model_admin in admin.site._registry.items()
            if model_admin.has_delete_permission(request) and model in FACTORIES
        ),
        key=lambda model: model._meta.label,
    )


def test_admin_delete_of_every_held_object_is_refused_or_goes_through(secretariat_client, secretariat_user):
    checked = []
    for model in _admin_deletable_models(secretariat_user):
        target = FACTORIES[model]()
        holders, protecting = build_holders(target)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[target.pk])

        response = secretariat_client.post(url, {"post": "yes"})

        still_there = model.objects.filter(pk=target.pk).exists()
        if protecting:
            assert response.status_code == 200, (model, response.status_code)
            assert "Cannot delete" in response.content.decode(), model
            assert still_there, model
        else:
            assert response.status_code == 302, (model, response.status_code)
            assert not still_there, model
        checked.append(model._meta.label)
    assert "members.Delegate" in checked, checked
