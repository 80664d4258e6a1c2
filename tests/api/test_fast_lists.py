"""The fast list path (core.api.fastlist) gives exactly the bytes of the ModelSerializer path.

Every list endpoint of the API is fetched twice over the demo data set plus edge rows (no
budget, restricted audiences, credentials, timestamps with and without microseconds): once
as it runs, once with FORGE_API_FAST_LISTS off. The bodies must be byte-identical, for the
secretariat and for a delegation token, on the first page and on a later one.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from core.api import fastcache, fastlist
from core.choices import Confidentiality
from meetings.models import Invitation, Meeting
from members.choices import TokenScope
from members.models import Member
from projects.models import JointProject


def _list_paths() -> list[str]:
    """/api/v1/<resource>/ of every viewset with a list action, from the URL configuration."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            actions = getattr(pattern.callback, "actions", None) or {}
            route = (prefix + str(pattern.pattern)).replace("^", "").replace("$", "")
            if actions.get("get") == "list" and "(?P<format>" not in route:
                found.append("/" + route)

    walk(get_resolver().url_patterns)
    return sorted({path for path in found if path.startswith("/api/v1/")})


LIST_PATHS = _list_paths()


@pytest.fixture
def data_set(db, system_actor):
    call_command("load_reference", verbosity=0)
    call_command("load_demo", verbosity=0)
    korea = Member.objects.get(iso2="KR")
    japan = Member.objects.get(iso2="JP")
    # Edge rows the demo may not have: a restricted project naming Korea, no budget; a
    # restricted meeting; credentials on an invitation; whole-second and microsecond times.
    project = JointProject.objects.exclude(lead_member=korea).first()
    JointProject.objects.filter(pk=project.pk).update(
        confidentiality=Confidentiality.RESTRICTED,
        budget_amount=None,
        budget_currency="",
        updated_at=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC),
    )
    project.restricted_to.add(korea, japan)
    meeting = Meeting.objects.order_by("pk").first()
    Meeting.objects.filter(pk=meeting.pk).update(
        confidentiality=Confidentiality.RESTRICTED,
        rsvp_deadline=None,
        updated_at=datetime.datetime(2026, 3, 1, 9, 0, 0, 5, tzinfo=datetime.UTC),
    )
    meeting.restricted_to.add(japan)
    invitation = Invitation.objects.filter(member=korea).first()
    if invitation is not None:
        Invitation.objects.filter(pk=invitation.pk).update(
            credentials="meetings/1/credentials/x.pdf", credentials_name="letter.pdf"
        )
    return korea


@pytest.fixture
def callers(data_set, secretariat_user, make_token):
    secretariat = APIClient()
    secretariat.force_authenticate(secretariat_user)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(TokenScope.READ, data_set)}")
    return {"secretariat": secretariat, "token KR": token}


def _both_ways(client, url: str, settings) -> tuple[bytes, bytes]:
    settings.FORGE_API_FAST_LISTS = True
    fast = client.get(url)
    settings.FORGE_API_FAST_LISTS = False
    slow = client.get(url)
    settings.FORGE_API_FAST_LISTS = True
    assert fast.status_code == slow.status_code, url
    assert fast.status_code in (200, 403), (url, fast.status_code, fast.content[:200])
    return fast.content, slow.content


def test_fast_lists_same_bytes_as_serializer_on_every_list_endpoint(callers, settings):
    """One data set for all endpoints (the demo loaders are slow); each mismatch is named."""
    differ, fetched = [], 0
    for path in LIST_PATHS:
        for caller, client in callers.items():
            fast, slow = _both_ways(client, f"{path}?page_size=500", settings)
            fetched += fast.startswith(b'{"next"')
            if fast != slow:
                differ.append(f"{path} as {caller}")
            # The second page of two (keyset cursor) too.
            first = client.get(f"{path}?page_size=2")
            next_link = first.json().get("next") if first.status_code == 200 else None
            if next_link:
                fast_next, slow_next = _both_ways(client, next_link, settings)
                if fast_next != slow_next:
                    differ.append(f"{path} page 2 as {caller}")
    assert differ == []
    assert fetched >= 2 * (len(LIST_PATHS) - 1)  # webhooks are for tokens only


def test_list_paths_cover_the_main_lists():
    assert {"/api/v1/projects/", "/api/v1/meetings/", "/api/v1/invitations/"} <= set(LIST_PATHS)


@pytest.mark.parametrize("path", ["/api/v1/projects/", "/api/v1/meetings/", "/api/v1/invitations/"])
def test_main_lists_queries_do_not_grow_with_rows(path, callers, django_assert_max_num_queries):
    client = callers["secretariat"]
    rows = client.get(f"{path}?page_size=500").json()["results"]
    assert len(rows) >= 3
    # Instances would need one prefetch query per relation too; what matters here is that
    # the page's queries do not grow with its rows (checked against one row).
    with django_assert_max_num_queries(12) as few:
        client.get(f"{path}?page_size=1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"{path}?page_size=500")


def test_plan_for_every_list_endpoint_or_a_reason(db):
    """Each list either has a fast plan or names the field the fast path cannot build."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.actors import Actor

    unsupported = {}
    for pattern_cls in _viewsets():
        view = pattern_cls()
        view.action, view.format_kwarg, view.kwargs = "list", None, {}
        request = Request(APIRequestFactory().get("/"))
        request._forge_actor = Actor.system(channel="api")
        view.request = request
        queryset = view.get_queryset()
        try:
            fastlist._plan(view.get_serializer(instance=()), queryset.model, queryset)
        except fastlist.Unsupported as reason:
            unsupported[pattern_cls.__name__] = str(reason)
    # The agenda's documents are prefetched through the caller's document scope, which the
    # fast path does not reproduce; everything else is built from .values().
    assert unsupported == {"AgendaItemViewSet": "documents: a prefetch with its own queryset"}


def _viewsets():
    seen = []

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            cls = getattr(pattern.callback, "cls", None)
            actions = getattr(pattern.callback, "actions", None) or {}
            if cls is not None and actions.get("get") == "list" and cls not in seen:
                seen.append(cls)

    walk(get_resolver().url_patterns)
    return seen


def _whole_feed(client) -> list[bytes]:
    pages, params = [], {"page_size": 500}
    while True:
        response = client.get("/api/v1/changes/", params)
        assert response.status_code == 200, response.content[:200]
        pages.append(response.content)
        body = response.json()
        if not body["has_more"]:
            return pages
        params = {"page_size": 500, "cursor": body["next_cursor"]}


def _feed_both_ways(callers, settings) -> dict[str, tuple[list[bytes], list[bytes]]]:
    """Each caller's whole feed, fast then through the serializer. The fast pages are fetched
    one caller after the other (no setting changes between them, which would drop the kept
    plans), so the second caller is served by the plans the first one's pages kept."""
    settings.FORGE_API_FAST_LISTS = True
    fast = {caller: _whole_feed(client) for caller, client in callers.items()}
    settings.FORGE_API_FAST_LISTS = False
    slow = {caller: _whole_feed(client) for caller, client in callers.items()}
    settings.FORGE_API_FAST_LISTS = True
    return {caller: (fast[caller], slow[caller]) for caller in callers}


def test_feed_fast_path_same_bytes_as_serializer_for_each_reader(callers, settings):
    resources = {}
    for order in (list(callers), list(reversed(callers))):
        pages = _feed_both_ways({caller: callers[caller] for caller in order}, settings)
        for caller, (fast, slow) in pages.items():
            assert fast == slow, f"feed as {caller} (after {order[0]})"
            changes = [c for page in fast for c in json.loads(page)["changes"]]
            resources[caller] = {c["resource"] for c in changes if c["op"] == "upsert"}
    # The page holds what the kept plans must serve: restricted audiences (blank for the
    # token), nested participants, method fields (credentials).
    assert {"projects", "meetings", "invitations"} <= resources["secretariat"]
    assert {"projects", "meetings", "invitations"} <= resources["token KR"]


def _through_table_reads(client, table: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        _whole_feed(client)
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith(f'SELECT "{table}".')]


def test_feed_does_not_fetch_an_audience_the_reader_may_not_see(callers):
    """restricted_to is shown to the secretariat only (core.api.fields.AudienceMixin): a token's
    feed does not read it at all (blanked_fields), the secretariat's does."""
    for table in ("projects_jointproject_restricted_to", "meetings_meeting_restricted_to"):
        assert _through_table_reads(callers["token KR"], table) == []
        assert _through_table_reads(callers["secretariat"], table) != []


class _RequestPathField(serializers.CharField):
    """Reads the request, so a plan holding it may not serve another request."""

    def to_representation(self, value):
        return f"{self.context['request'].path}:{value}"


class _MemberWithPathSerializer(serializers.ModelSerializer):
    name = _RequestPathField()

    class Meta:
        model = Member
        fields = ["id", "name"]


class _MemberWithMethodSerializer(serializers.ModelSerializer):
    where = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["id", "iso2", "where"]

    def get_where(self, member):
        return f"{self.context['request'].path}:{member.iso2}"


def _represent(serializer_class, path: str, queryset) -> list[dict]:
    request = Request(APIRequestFactory().get(path))
    plan = fastlist.plan_for(serializer_class(instance=(), context={"request": request}), queryset)
    return plan.represent(list(plan.values(queryset)))


def test_kept_plan_binds_method_fields_to_each_requests_serializer(data_set):
    members = Member.objects.filter(iso2__in=["KR", "JP"]).order_by("iso2")

    first = _represent(_MemberWithMethodSerializer, "/one/", members)
    second = _represent(_MemberWithMethodSerializer, "/two/", members)

    assert [row["where"] for row in first] == ["/one/:JP", "/one/:KR"]
    assert [row["where"] for row in second] == ["/two/:JP", "/two/:KR"]
    assert any(key[0] is _MemberWithMethodSerializer for key in fastcache.plans)


def test_plan_with_a_field_that_reads_the_request_is_not_kept(data_set):
    members = Member.objects.filter(iso2="KR")

    first = _represent(_MemberWithPathSerializer, "/one/", members)
    second = _represent(_MemberWithPathSerializer, "/two/", members)

    assert [row["name"] for row in first] == [f"/one/:{members.get().name}"]
    assert [row["name"] for row in second] == [f"/two/:{members.get().name}"]
    assert not any(key[0] is _MemberWithPathSerializer for key in fastcache.plans)


class _MemberCellsSerializer(serializers.ModelSerializer):
    id_text = serializers.CharField(source="id", read_only=True)  # an integer column as text

    class Meta:
        model = Member
        fields = ["id", "iso2", "name", "id_text"]


def test_plan_skips_only_conversions_that_give_back_the_databases_value(data_set):
    members = Member.objects.filter(iso2="KR")
    plan = fastlist.plan_for(_MemberCellsSerializer(instance=(), context={}), members)

    converts = {entry.name: entry.convert for entry in plan.entries}
    assert converts["id"] is None and converts["iso2"] is None and converts["name"] is None
    assert converts["id_text"] is not None  # str() of an integer is not the integer
    korea = members.get()
    assert _represent(_MemberCellsSerializer, "/", members) == [
        {"id": korea.pk, "iso2": "KR", "name": korea.name, "id_text": str(korea.pk)}
    ]
