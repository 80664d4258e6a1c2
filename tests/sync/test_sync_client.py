"""examples/sync_client.py against a live server: full sync, incremental syncs, 410 and 429."""

import datetime
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Change
from core.sync import registry
from core.sync import services as sync_services
from members import services
from members.choices import TokenScope
from members.models import PartnerToken
from tests.sync.replica import snapshot

CLIENT_PATH = Path(django_settings.BASE_DIR) / "examples" / "sync_client.py"
spec = importlib.util.spec_from_file_location("sync_client", CLIENT_PATH)
sync_client = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync_client)


@pytest.fixture
def token(korea, make_token):
    return make_token(TokenScope.READ, korea)


def _expected(token) -> dict:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    objects: dict = {}
    for (resource, object_id), item in snapshot(client).items():
        objects.setdefault(resource, {})[str(object_id)] = item
    return objects


def _run(live_server, token, path, messages):
    api = sync_client.Api(live_server.url, token, log=messages.append)
    replica = sync_client.Replica(str(path))
    sync_client.sync(api, replica)
    return api, sync_client.Replica(str(path))  # re-read from disk: what was saved is what counts


@pytest.mark.django_db(transaction=True)
def test_sync_client_full_then_incremental_matches_the_api(
    live_server, korea, japan, system_actor, token, tmp_path
):
    path, messages = tmp_path / "replica.json", []
    first = services.delegate_create(actor=system_actor, member=korea, full_name="First")

    _, replica = _run(live_server, token, path, messages)
    assert replica.objects["delegates"][str(first.pk)]["full_name"] == "First"
    assert set(replica.objects) == {entry.resource for entry in registry.resources()}

    services.delegate_update(actor=system_actor, delegate=first, full_name="Renamed")
    services.delegate_create(actor=system_actor, member=japan, full_name="Second")
    services.delegate_delete(actor=system_actor, delegate=first)
    services.member_update(actor=system_actor, member=japan, name="Japan (renamed)")
    _, replica = _run(live_server, token, path, messages)

    expected = _expected(token)
    assert {key: value for key, value in replica.objects.items() if value} == {
        key: value for key, value in expected.items() if value
    }
    assert str(first.pk) not in replica.objects["delegates"]
    assert (
        messages[0].startswith("full sync") and messages[-1] == "incremental sync: 3 changes applied"
    )  # "First" once: its last state


@pytest.mark.django_db(transaction=True)
def test_sync_client_expired_cursor_resyncs_from_scratch(live_server, korea, system_actor, token, tmp_path):
    path, messages = tmp_path / "replica.json", []
    _run(live_server, token, path, messages)
    for n in range(3):
        services.delegate_create(actor=system_actor, member=korea, full_name=f"Later {n}")
    sync_services.changes_sequence()
    Change.objects.update(at=timezone.now() - datetime.timedelta(days=60))
    sync_services.changes_prune()

    _, replica = _run(live_server, token, path, messages)

    assert any(message.startswith("cursor expired") for message in messages)
    assert len(replica.objects["delegates"]) == 3


@pytest.mark.django_db(transaction=True)
def test_sync_client_waits_out_429_as_retry_after_asks(
    live_server, korea, system_actor, token, tmp_path, settings
):
    for n in range(3):
        services.delegate_create(actor=system_actor, member=korea, full_name=f"P{n}")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"actor": "3/s"}}
    for pk in PartnerToken.objects.values_list("pk", flat=True):
        cache.delete(f"throttle_actor_token:{pk}")
    messages = []

    api, replica = _run(live_server, token, tmp_path / "replica.json", messages)

    assert api.throttled >= 1
    assert any(message.startswith("throttled: waiting") for message in messages)
    assert len(replica.objects["delegates"]) == 3


@pytest.mark.django_db(transaction=True)
def test_sync_client_command_line_writes_the_replica(live_server, korea, system_actor, token, tmp_path):
    services.delegate_create(actor=system_actor, member=korea, full_name="On Disk")
    path = tmp_path / "replica.json"

    result = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [
            sys.executable,
            str(CLIENT_PATH),
            "--url",
            live_server.url,
            "--token",
            token,
            "--replica",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    data = json.loads(path.read_text())
    assert [d["full_name"] for d in data["objects"]["delegates"].values()] == ["On Disk"]
    assert data["cursor"]
