"""Every unsafe POST of the API takes one write path (core.api.writes): posted twice with one
Idempotency-Key it has one effect, and the second answer is the first one replayed.

"One effect" is measured on what every write leaves behind: audit entries, change-feed rows
and reminders (notices). A new POST endpoint must get a case in CASES: the coverage test
below reads the OpenAPI document and names any POST without one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from core.models import AuditEntry, Change
from core.reminders.models import Reminder
from decisions import services as decision_services
from markets import references
from markets import services as market_services
from meetings import services as meeting_services
from meetings.models import DocumentVersion
from members.choices import Capacity, TokenScope
from members.permissions import actor_for_user
from tests.factories import (
    DelegateFactory,
    JointProjectFactory,
    MineralFactory,
    ProductFactory,
    adopt,
)
from tests.meetings.conftest import korea_chair, som  # noqa: F401 - fixtures the world uses

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf():
    return SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")


def csv(content=b"a,b\n1,2\n"):
    return SimpleUploadedFile("figures.csv", content, content_type="text/csv")


@dataclass
class World:
    secretariat: APIClient
    korea_token: APIClient
    objects: dict[str, Any]

    def __getitem__(self, name):
        return self.objects[name]

    def id_of(self, name) -> int:
        found = self.objects[name]
        return getattr(found, "pk", found)


@pytest.fixture
def world(system_actor, som, secretariat_user, korea, japan, api_client_for, settings, tmp_path):  # noqa: F811
    """The SOM of tests/meetings (Korea chairs), with what each POST below acts on."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FORGE_WEBHOOK_ALLOW_PRIVATE = True  # receivers on loopback; nothing is delivered here
    DelegateFactory(member=korea, capacity=Capacity.FOCAL_POINT, email="focal@korea.example")
    meeting = som
    meeting_services.invitations_send(actor=system_actor, meeting=meeting, members=[korea])
    invitation = meeting.invitations.get()
    meeting_services.invitation_answer(actor=system_actor, invitation=invitation, status="accepted")
    registrations = [
        meeting_services.registration_add(
            actor=system_actor, invitation=invitation, delegate=DelegateFactory(member=korea)
        )
        for _ in range(2)
    ]
    items = [
        meeting_services.agenda_item_create(actor=system_actor, meeting=meeting, title=title)
        for title in ("Opening", "Supply chains")
    ]
    document = meeting_services.document_upload(
        actor=system_actor, meeting=meeting, title="Notes", file=csv()
    )
    lithium = MineralFactory(name="Lithium", slug="lithium")
    project = JointProjectFactory(lead_member=korea)
    decision = decision_services.decision_create(
        actor=system_actor, title="Work plan", kind="work_plan", text="The forum adopts its work plan."
    )
    procedure = decision_services.procedure_open(
        actor=system_actor,
        decision=decision,
        deadline_local=datetime.datetime(2026, 11, 20, 18, 0),  # noqa: DTZ001 - a wall-clock time
        time_zone="Europe/Brussels",
        now=NOW,
    )
    decision_services.position_answer(
        actor=system_actor, procedure=procedure, member=korea, kind="objection", text="Paragraph 1", now=NOW
    )
    secretariat = APIClient()
    secretariat.force_authenticate(secretariat_user)
    korea_token = api_client_for(TokenScope.WRITE, korea)
    subscription = korea_token.post(
        "/api/v1/webhooks/", {"url": "http://127.0.0.1:8999/forge", "event_types": ["*"]}, format="json"
    ).json()
    return World(
        secretariat=secretariat,
        korea_token=korea_token,
        objects={
            "meeting": meeting,
            "invitation": invitation,
            "registration": registrations[0],
            "other_registration": registrations[1],
            "items": items,
            "document": document,
            "project": project,
            "korea": korea,
            "japan": japan,
            "delegate": DelegateFactory(member=korea),
            "subscription": subscription["id"],
            "procedure": procedure,
            "draft": decision_services.decision_create(
                actor=system_actor, title="Second", kind="decision", text="Text."
            ),
            "adopted": adopt(system_actor, title="Cobalt reference price"),
            "product": _followed_product(system_actor, secretariat_user, lithium),
        },
    )


def _followed_product(system_actor, follower, lithium):
    """A product with a reference price of 11,000 from 2026 and a follower: a price posted
    below it plans an alert (one more effect that a retry must not repeat)."""
    product = ProductFactory(name="Lithium carbonate", slug="lithium-carbonate", mineral=lithium)
    references.reference_price_create(
        actor=system_actor,
        product=product,
        amount="11000",
        valid_from=datetime.date(2026, 1, 1),
        adopted_by=adopt(system_actor, title="Lithium reference price"),
    )
    market_services.follow_set(actor=actor_for_user(follower), product=product)
    return product


@dataclass(frozen=True)
class Case:
    path: str  # as the OpenAPI document spells it; the URL too, with {id} filled from `on`
    body: Any  # world -> body (called once per request: uploads are read once)
    on: str = ""  # the world's object whose id stands for {id}
    client: str = "secretariat"
    multipart: bool = False
    status: int = 201

    def url(self, world: World) -> str:
        return self.path.replace("{id}", str(world.id_of(self.on))) if self.on else self.path


TOKEN = "korea_token"
CASES = [
    Case("/api/v1/members/", lambda w: {"iso2": "QZ", "name": "Quartz", "capital_time_zone": "UTC"}),
    Case("/api/v1/delegates/", lambda w: {"member": "KR", "full_name": "Park Seo-yeon"}),
    Case(
        "/api/v1/chair-terms/",
        lambda w: {"member": "JP", "role": "chair", "starts_on": "2027-07-01", "ends_on": "2027-12-31"},
    ),
    Case(
        "/api/v1/meetings/",
        lambda w: {
            "kind": "som",
            "title": "SOM 2",
            "venue_name": "Tokyo",
            "starts_at": "2027-04-10T00:00:00Z",
            "ends_at": "2027-04-10T08:00:00Z",
        },
    ),
    Case("/api/v1/meetings/{id}/status/", lambda w: {"status": "confirmed"}, on="meeting", status=200),
    Case("/api/v1/meetings/{id}/invite/", lambda w: {"members": ["JP"]}, on="meeting"),
    Case(
        "/api/v1/meetings/{id}/agenda-order/",
        lambda w: {"order": [item.pk for item in reversed(w["items"])]},
        on="meeting",
        status=200,
    ),
    Case(
        "/api/v1/invitations/{id}/credentials/",
        lambda w: {"file": pdf()},
        on="invitation",
        client=TOKEN,
        multipart=True,
        status=200,
    ),
    Case(
        "/api/v1/registrations/",
        lambda w: {"invitation": w["invitation"].pk, "delegate": w["delegate"].pk},
        client=TOKEN,
    ),
    Case(
        "/api/v1/registrations/{id}/substitute/",
        lambda w: {"delegate": w["delegate"].pk},
        on="registration",
        client=TOKEN,
    ),
    Case(
        "/api/v1/registrations/{id}/withdraw/",
        lambda w: {},
        on="other_registration",
        client=TOKEN,
        status=200,
    ),
    Case("/api/v1/agenda-items/", lambda w: {"meeting": w["meeting"].pk, "title": "Any other business"}),
    Case(
        "/api/v1/documents/",
        lambda w: {"meeting": w["meeting"].pk, "title": "Figures", "file": csv()},
        multipart=True,
    ),
    Case(
        "/api/v1/documents/{id}/versions/",
        lambda w: {"file": csv(b"a,b\n3,4\n")},
        on="document",
        multipart=True,
    ),
    Case(
        "/api/v1/outcomes/", lambda w: {"meeting": w["meeting"].pk, "kind": "decision", "title": "Decision 1"}
    ),
    Case(
        "/api/v1/action-items/",
        lambda w: {"meeting": w["meeting"].pk, "description": "Circulate the figures", "owner": "KR"},
    ),
    Case(
        "/api/v1/projects/",
        lambda w: {
            "title": "Recycling hub",
            "minerals": ["lithium"],
            "segment": "recycling",
            "host_country": "DE",
            "lead_member": "KR",
        },
    ),
    Case(
        "/api/v1/project-participants/",
        lambda w: {"project": w["project"].pk, "member": "JP", "role": "participant"},
    ),
    Case(
        "/api/v1/milestones/",
        lambda w: {"project": w["project"].pk, "title": "Permit filed", "due_on": "2027-02-01"},
    ),
    Case(
        "/api/v1/funding-commitments/",
        lambda w: {"project": w["project"].pk, "member": "KR", "amount": "2500.00", "currency": "USD"},
        client=TOKEN,
    ),
    Case(
        "/api/v1/project-updates/", lambda w: {"project": w["project"].pk, "text": "On track"}, client=TOKEN
    ),
    Case(
        "/api/v1/decisions/",
        lambda w: {"title": "Joint statement", "kind": "joint_statement", "text": "1.\n\n2."},
    ),
    Case(
        "/api/v1/procedures/",
        lambda w: {
            "decision": w["draft"].pk,
            "deadline_local": "2026-11-30T18:00",
            "time_zone": "Europe/Brussels",
        },
    ),
    Case(
        "/api/v1/procedures/{id}/answer/",
        lambda w: {"member": "KR", "kind": "support"},
        on="procedure",
        client=TOKEN,
    ),
    Case(
        "/api/v1/procedures/{id}/withdraw-objection/",
        lambda w: {"member": "KR"},
        on="procedure",
        client=TOKEN,
        status=200,
    ),
    Case(
        "/api/v1/procedures/{id}/extend/",
        lambda w: {"deadline_local": "2026-11-27T18:00"},
        on="procedure",
        status=200,
    ),
    Case("/api/v1/procedures/{id}/withdraw/", lambda w: {"note": "Redraft"}, on="procedure", status=200),
    Case(
        "/api/v1/webhooks/",
        lambda w: {"url": "http://127.0.0.1:8999/erp", "event_types": ["meetings.*"]},
        client=TOKEN,
    ),
    Case("/api/v1/webhooks/{id}/rotate-secret/", lambda w: {}, on="subscription", client=TOKEN, status=200),
    Case(
        "/api/v1/products/",
        lambda w: {"name": "Cobalt hydroxide", "slug": "cobalt-hydroxide", "mineral": "lithium", "unit": "t"},
    ),
    Case(
        "/api/v1/reference-prices/",
        lambda w: (
            {"product": "lithium-carbonate", "amount": "12000", "valid_from": "2027-01-01"}
            | {"adopted_by": w["adopted"].pk}
        ),
    ),
    # A partner system's price below the reference: one observation, one alert, one event.
    Case(
        "/api/v1/price-observations/",
        lambda w: (
            {"product": "lithium-carbonate", "observed_on": "2026-10-30", "price": "10250.50"}
            | {"currency": "USD", "unit": "t", "source_name": "Partner feed"}
        ),
        client=TOKEN,
    ),
]


def _effects() -> tuple[int, int, int]:
    return AuditEntry.objects.count(), Change.objects.count(), Reminder.objects.count()


def _post(world: World, case: Case, key: str):
    client = getattr(world, case.client)
    return client.post(
        case.url(world),
        case.body(world),
        format="multipart" if case.multipart else "json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("case", CASES, ids=[case.path for case in CASES])
def test_post_twice_with_one_key_has_one_effect(world, case):
    before = _effects()

    first = _post(world, case, key="retry-me")
    after_first = _effects()
    retry = _post(world, case, key="retry-me")

    assert first.status_code == case.status, first.content
    assert retry.status_code == case.status
    assert _effects() == after_first
    if case.status >= 400:
        assert after_first == before
        assert not retry.has_header("Idempotent-Replayed")
        return
    assert after_first[0] > before[0]  # the first one did write (and was audited)
    assert retry.content == first.content
    assert retry["ETag"] == first["ETag"]
    assert (first.has_header("Idempotent-Replayed"), retry["Idempotent-Replayed"]) == (False, "true")


@time_machine.travel(NOW, tick=False)
def test_document_version_retry_makes_one_version_and_one_round_of_notices(world):
    document = world["document"]
    notices = Reminder.objects.filter(kind="meeting.document_published")
    notices_before = notices.count()

    for _attempt in range(2):
        response = world.secretariat.post(
            f"/api/v1/documents/{document.pk}/versions/",
            {"file": csv(b"a,b\n5,6\n")},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-v2",
        )
        assert (response.status_code, response.json()["number"]) == (201, 2)

    assert list(
        DocumentVersion.objects.filter(document=document).order_by("number").values_list("number", flat=True)
    ) == [1, 2]
    assert notices.count() == notices_before + 1  # Korea's focal point, told once
    assert list(notices.order_by("-pk").values_list("recipient_email", flat=True)[:1]) == [
        "focal@korea.example"
    ]


def test_write_path_covers_every_post_of_the_openapi_document():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    posts = {path for path, operations in schema["paths"].items() if "post" in operations}
    without_key = sorted(
        path
        for path in posts
        if "Idempotency-Key" not in [p["name"] for p in schema["paths"][path]["post"].get("parameters", [])]
    )

    assert without_key == []
    assert sorted(posts - {case.path for case in CASES}) == [], "add a Case for each new POST"
