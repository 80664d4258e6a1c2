"""A partner's copy of the API, built with the documented API only: full sync, then the feed."""

from __future__ import annotations

from core.sync import registry


class Replica:
    def __init__(self, client, page_size: int = 500) -> None:
        self.client = client
        self.page_size = page_size
        self.objects: dict[tuple[str, int], dict] = {}
        self.cursor: str | None = None

    def full_sync(self) -> Replica:
        """Head cursor first, then every list: a change racing the lists is in the feed after it."""
        self.cursor = self._get("/api/v1/changes/head/")["cursor"]
        self.objects = snapshot(self.client, self.page_size)
        return self

    def follow(self, page_size: int | None = None) -> int:
        """Apply the feed from the cursor until up to date; return the number of entries applied."""
        applied = 0
        while True:
            page = self._get(
                "/api/v1/changes/", {"cursor": self.cursor, "page_size": page_size or self.page_size}
            )
            for change in page["changes"]:
                key = (change["resource"], change["id"])
                if change["op"] == "upsert":
                    self.objects[key] = change["object"]
                else:
                    self.objects.pop(key, None)
                applied += 1
            self.cursor = page["next_cursor"]
            if not page["has_more"]:
                return applied

    def _get(self, url: str, params: dict | None = None) -> dict:
        response = self.client.get(url, params or {})
        assert response.status_code == 200, (url, response.status_code, response.content[:500])
        return response.json()


def snapshot(client, page_size: int = 500) -> dict[tuple[str, int], dict]:
    """Every object of every synced resource this client may list."""
    objects = {}
    for entry in registry.resources():
        url, params = f"/api/v1/{entry.resource}/", {"page_size": page_size}
        while url:
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code, response.content[:500])
            body = response.json()
            for item in body["results"]:
                objects[(entry.resource, item["id"])] = item
            url, params = body["next"], None
    return objects


def differences(replica: dict, expected: dict) -> dict:
    """What a replica got wrong, field by field, for a readable failure."""
    found = {}
    for key in replica.keys() | expected.keys():
        mine, theirs = replica.get(key), expected.get(key)
        if mine == theirs:
            continue
        if mine is None or theirs is None:
            found[key] = ("missing" if mine is None else "extra", (mine or theirs).get("id"))
        else:
            found[key] = {
                f: (mine.get(f), theirs.get(f))
                for f in mine.keys() | theirs.keys()
                if mine.get(f) != theirs.get(f)
            }
    return found
