"""A client generated from the OpenAPI document (openapi-python-client, as a partner would
generate theirs) works against the running app: a full sync, changes, an incremental sync
through the change feed, and the replica equals what the app holds for that token."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest

from core.sync import registry
from core.tracking import tracked_delete
from members import services as member_services
from members.models import Delegate, Member
from tests.contract.live import BIN

pytestmark = pytest.mark.postgres_only  # talks to the app under gunicorn on the test database


@pytest.fixture
def forge_client(gunicorn_server, tmp_path, monkeypatch):
    """The generated package, imported from a temporary folder."""
    document = tmp_path / "openapi.json"
    with urllib.request.urlopen(f"{gunicorn_server.url}/api/schema/?format=json", timeout=120) as answer:  # noqa: S310 - loopback
        document.write_bytes(answer.read())
    generate = [
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(document),
        "--meta",
        "none",
        "--output-path",
        str(tmp_path / "forge_client"),
    ]
    run = subprocess.run(generate, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert run.returncode == 0, run.stdout + run.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("forge_client")
    for name in [module for module in sys.modules if module.split(".")[0] == "forge_client"]:
        del sys.modules[name]


def _operation(package, name: str):
    """The generated module of one operation (e.g. `delegates_list`), whatever its tag folder."""
    api = importlib.import_module(f"{package.__name__}.api")
    for info in pkgutil.walk_packages(api.__path__, prefix=f"{api.__name__}."):
        if info.name.rsplit(".", 1)[1] == name:
            return importlib.import_module(info.name)
    raise AssertionError(f"the generated client has no operation {name}")


def _full_sync(package, client) -> tuple[str, dict]:
    """The feed's head first, then every resource's list, page by page (examples/sync_client.py)."""
    head = _operation(package, "changes_head").sync(client=client)
    replica = {}
    for resource in sorted(entry.resource for entry in registry.resources()):
        listing = _operation(package, f"{resource.replace('-', '_')}_list")
        objects, cursor = {}, None
        while True:
            kwargs = {"client": client, "page_size": 500}
            if cursor:
                kwargs["cursor"] = cursor
            page = listing.sync(**kwargs)
            assert hasattr(page, "results"), (resource, page)
            for row in page.results:
                objects[row.to_dict()["id"]] = row.to_dict()
            if not page.next_:
                break
            cursor = parse_qs(urlparse(page.next_).query)["cursor"][0]
        replica[resource] = objects
    return head.cursor, replica


def _incremental_sync(package, client, cursor: str, replica: dict) -> str:
    changes = _operation(package, "changes_list")
    while True:
        page = changes.sync(client=client, cursor=cursor, page_size=500)
        assert hasattr(page, "changes"), page
        for change in page.changes:
            objects = replica.setdefault(str(change.resource), {})
            if str(change.op) == "upsert":
                objects[change.id] = change.object_.to_dict()
            else:
                objects.pop(change.id, None)
        cursor = page.next_cursor
        if not page.has_more:
            return cursor


def test_generated_client_full_then_incremental_sync_matches_the_database(
    forge_client, gunicorn_server, world, korea, system_actor
):
    client = forge_client.AuthenticatedClient(base_url=gunicorn_server.url, token=world["delegation"])
    cursor, replica = _full_sync(forge_client, client)
    assert replica["delegates"] and replica["meetings"] and replica["projects"], {
        k: len(v) for k, v in replica.items()
    }

    added = member_services.delegate_create(
        actor=system_actor, member=korea, full_name="Added After The Full Sync", capacity="adviser"
    )
    removed = Delegate.objects.filter(member=korea, registrations__isnull=True).exclude(pk=added.pk).first()
    tracked_delete(removed, actor=system_actor)
    member_services.member_update(actor=system_actor, member=korea, name="Republic of Korea (renamed)")

    _incremental_sync(forge_client, client, cursor, replica)

    assert replica["delegates"][added.pk]["full_name"] == "Added After The Full Sync"
    assert removed.pk not in replica["delegates"]
    assert replica["members"][korea.pk]["name"] == "Republic of Korea (renamed)"
    assert Member.objects.get(pk=korea.pk).name == "Republic of Korea (renamed)"
    _, fresh = _full_sync(forge_client, client)
    assert replica == fresh
