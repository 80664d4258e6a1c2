#!/usr/bin/env python3
"""Keep a local copy of the FORGE API: a full sync, then incremental syncs from the change feed.

Standard library only, and only the documented API (/api/schema/):

    python examples/sync_client.py --url https://forge.example.org --token "$FORGE_TOKEN" \
        --replica forge-replica.json [--interval 60]

The replica is a JSON file {"cursor": ..., "objects": {"<resource>": {"<id>": {...}}}}, written
atomically after every page, so an interrupted run resumes where it stopped.

- Full sync: take the feed's head cursor FIRST, then list every resource. A change made while the
  lists are read is also in the feed after that cursor, so nothing falls between the two.
- Incremental sync: GET /api/v1/changes/?cursor=... until `has_more` is false; `upsert` stores
  the object, `delete` (a tombstone: deleted, or no longer visible to this token) removes it.
- 410 Gone: the cursor is older than the server's history; start again with a full sync.
- 429 Too Many Requests: wait the `Retry-After` seconds, then retry the same request.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PAGE_SIZE = 500
# Used only when the schema cannot be read; the schema's change-feed `resource` enum is the truth.
FALLBACK_RESOURCES = ["members", "delegates", "chair-terms"]


class CursorExpired(Exception):
    pass


class Api:
    def __init__(self, base_url: str, token: str, *, max_retries: int = 8, log=print) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("The URL must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.max_retries = max_retries
        self.log = log
        self.throttled = 0  # how many 429s were waited out

    def get(self, path_or_url: str, params: dict | None = None) -> dict:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        if not url.startswith(("http://", "https://")):
            raise RuntimeError(f"Refusing to fetch {url!r}: not http(s)")
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url, headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        )
        for attempt in range(self.max_retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http(s) only
                    return json.load(response)
            except urllib.error.HTTPError as error:
                if error.code == 410:
                    raise CursorExpired(_problem(error)) from error
                if error.code == 429 and attempt < self.max_retries:
                    wait = _retry_after(error.headers.get("Retry-After"), default=2**attempt)
                    self.throttled += 1
                    self.log(f"throttled: waiting {wait:g} s as Retry-After asks")
                    time.sleep(wait)
                    continue
                if error.code >= 500 and attempt < self.max_retries:
                    time.sleep(min(60, 2**attempt))
                    continue
                raise RuntimeError(f"GET {url}: {error.code} {_problem(error)}") from error
            except urllib.error.URLError as error:
                if attempt == self.max_retries:
                    raise
                self.log(f"network error ({error.reason}); retrying")
                time.sleep(min(60, 2**attempt))
        raise RuntimeError(f"GET {url}: gave up after {self.max_retries} retries")

    def resources(self) -> list[str]:
        """The synced resources, read from the OpenAPI document's change-feed schema."""
        try:
            schema = self.get("/api/schema/", {"format": "json"})
            page = _resolve(
                schema, _json_schema(schema["paths"]["/api/v1/changes/"]["get"]["responses"]["200"])
            )
            change = _resolve(schema, page["properties"]["changes"]["items"])
            resource = _resolve(schema, change["properties"]["resource"])
            return list(resource["enum"])
        except (KeyError, TypeError, RuntimeError):
            return FALLBACK_RESOURCES


class Replica:
    def __init__(self, path: str) -> None:
        self.path = path
        self.cursor: str | None = None
        self.objects: dict[str, dict[str, dict]] = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            self.cursor, self.objects = data.get("cursor"), data.get("objects", {})

    def save(self) -> None:
        directory = os.path.dirname(os.path.abspath(self.path))
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, encoding="utf-8") as handle:
            json.dump({"cursor": self.cursor, "objects": self.objects}, handle, sort_keys=True)
        os.replace(handle.name, self.path)

    def apply(self, change: dict) -> None:
        objects = self.objects.setdefault(change["resource"], {})
        if change["op"] == "upsert":
            objects[str(change["id"])] = change["object"]
        else:
            objects.pop(str(change["id"]), None)


def full_sync(api: Api, replica: Replica) -> None:
    cursor = api.get("/api/v1/changes/head/")["cursor"]  # first: see the module docstring
    objects: dict[str, dict[str, dict]] = {}
    for resource in api.resources():
        objects[resource] = {}
        url, params = f"/api/v1/{resource}/", {"page_size": PAGE_SIZE}
        while url:
            page = api.get(url, params)
            for item in page["results"]:
                objects[resource][str(item["id"])] = item
            url, params = page["next"], None
    replica.cursor, replica.objects = cursor, objects
    replica.save()
    api.log(f"full sync: {sum(len(items) for items in objects.values())} objects")


def incremental_sync(api: Api, replica: Replica) -> int:
    applied = 0
    while True:
        page = api.get("/api/v1/changes/", {"cursor": replica.cursor, "page_size": PAGE_SIZE})
        for change in page["changes"]:
            replica.apply(change)
        applied += len(page["changes"])
        replica.cursor = page["next_cursor"]
        replica.save()
        if not page["has_more"]:
            return applied


def sync(api: Api, replica: Replica) -> None:
    """One round: a full sync when there is no cursor (or it expired), else the feed."""
    if replica.cursor is None:
        full_sync(api, replica)
    try:
        applied = incremental_sync(api, replica)
    except CursorExpired as expired:
        api.log(f"cursor expired ({expired}); syncing from scratch")
        full_sync(api, replica)
        applied = incremental_sync(api, replica)
    api.log(f"incremental sync: {applied} changes applied")


def _retry_after(value: str | None, default: float) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return default


def _problem(error: urllib.error.HTTPError) -> str:
    try:
        return json.loads(error.read().decode()).get("detail", "")
    except ValueError:
        return error.reason


def _json_schema(response: dict) -> dict:
    return response["content"]["application/json"]["schema"]


def _resolve(schema: dict, node: dict) -> dict:
    """Follow $ref (and a one-item allOf, as enums are written) to the schema itself."""
    while True:
        if "$ref" in node:
            target = schema
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        elif len(node.get("allOf", [])) == 1:
            node = node["allOf"][0]
        else:
            return node


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="The site, e.g. https://forge.example.org")
    parser.add_argument("--token", default=os.environ.get("FORGE_TOKEN"), help="API token (or FORGE_TOKEN)")
    parser.add_argument("--replica", default="forge-replica.json", help="The local copy (JSON)")
    parser.add_argument("--interval", type=float, default=0, help="Poll every N seconds (0: sync once)")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give --token or set FORGE_TOKEN")
    api, replica = Api(args.url, args.token), Replica(args.replica)
    while True:
        sync(api, replica)
        if not args.interval:
            return 0
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
