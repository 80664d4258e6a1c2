"""ETag / If-None-Match / If-Match: no lost updates."""

import threading

import pytest
from django.db import connections
from rest_framework.test import APIClient

from members.choices import TokenScope
from members.models import Delegate
from members.services import delegate_create


def test_conditional_get_with_matching_etag_is_304(korea, system_actor, api_client_for):
    client = api_client_for(TokenScope.READ, korea)
    delegate = delegate_create(actor=system_actor, member=korea, full_name="A")
    url = f"/api/v1/delegates/{delegate.pk}/"
    etag = client.get(url)["ETag"]

    cached = client.get(url, HTTP_IF_NONE_MATCH=etag)
    stale = client.get(url, HTTP_IF_NONE_MATCH='"0000"')

    assert cached.status_code == 304 and cached["ETag"] == etag and cached.content == b""
    assert stale.status_code == 200 and stale["ETag"] == etag


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_conditional_write_with_stale_etag_is_412_and_changes_nothing(
    korea, system_actor, api_client_for, method
):
    client = api_client_for(TokenScope.WRITE, korea)
    delegate = delegate_create(actor=system_actor, member=korea, full_name="Before")
    url = f"/api/v1/delegates/{delegate.pk}/"
    body = {"member": "KR", "full_name": "After"}

    response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert Delegate.objects.get(pk=delegate.pk).full_name == "Before"


def test_conditional_write_with_current_etag_succeeds_and_returns_the_new_etag(
    korea, system_actor, api_client_for
):
    client = api_client_for(TokenScope.WRITE, korea)
    delegate = delegate_create(actor=system_actor, member=korea, full_name="Before")
    url = f"/api/v1/delegates/{delegate.pk}/"
    etag = client.get(url)["ETag"]

    response = client.patch(url, {"full_name": "After"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] == client.get(url)["ETag"] != etag


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_conditional_concurrent_patches_with_one_etag_exactly_one_wins(korea, system_actor, make_token):
    raw = make_token(TokenScope.WRITE, korea)
    delegate = delegate_create(actor=system_actor, member=korea, full_name="Original")
    url = f"/api/v1/delegates/{delegate.pk}/"
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    etag = reader.get(url)["ETag"]
    writers = 8
    barrier = threading.Barrier(writers)
    results, errors = {}, []

    def patch(n):
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            barrier.wait(10)
            results[n] = client.patch(
                url, {"title": f"Writer {n}"}, format="json", HTTP_IF_MATCH=etag
            ).status_code
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=patch, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(results.values()) == [200] + [412] * (writers - 1)
    winner = next(n for n, status in results.items() if status == 200)
    assert Delegate.objects.get(pk=delegate.pk).title == f"Writer {winner}"
