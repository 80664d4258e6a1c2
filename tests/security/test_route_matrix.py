"""The route matrix: every web route (from the URL resolver) and every API operation (from the
OpenAPI document), for each of seven actors, on objects of every confidentiality level.

What each case must answer follows from the one rule (core.confidentiality.may_see, with each
app's parties): an object the actor may not see answers exactly as an id that does not exist
(404: "not yours" looks like "not found"); one it may see never answers 404; anonymous callers
(and partner tokens on web pages, which take no token) are sent to sign-in (web, 302) or refused
(API, 401); the secretariat's own areas answer 403 to everyone else whatever the id; and nothing
answers 500. A route whose path this file does not classify fails the test, so a new route
cannot be forgotten. Every request runs in a savepoint that is rolled back, so the objects are
built once and writes (sent with empty bodies) change nothing for the next case.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from core import confidentiality
from core.actors import Actor
from core.choices import Confidentiality
from decisions.choices import DecisionKind
from decisions.services import decision as decision_services
from decisions.services import procedure as procedure_services
from markets.references import reference_price_create
from meetings import services as meeting_services
from members.choices import Role, TokenScope
from members.permissions import actor_for_token, actor_for_user
from members.services import partner_token_create
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ChairTermFactory,
    DelegateFactory,
    FundingCommitmentFactory,
    InvitationFactory,
    JointProjectFactory,
    MeetingFactory,
    MemberFactory,
    MilestoneFactory,
    MineralFactory,
    OutcomeFactory,
    ParticipantFactory,
    PriceObservationFactory,
    ProductFactory,
    ProjectUpdateFactory,
    RegistrationFactory,
    adopt,
    user_with_role,
)
from tests.factories.markets import AT

# django_db: the matrix's own transaction (module fixture) holds the objects; each test adds a
# savepoint of its own, and each case one more.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

LEVELS = [
    Confidentiality.PUBLIC,
    Confidentiality.MEMBERS,
    Confidentiality.RESTRICTED,  # restricted to Japan: "another member" for Korea
    Confidentiality.SECRETARIAT,
]
ACTORS = ["secretariat", "korea", "japan", "observer", "korea_write_token", "forum_read_token", "anonymous"]
TOKEN_ACTORS = {"korea_write_token", "forum_read_token"}
# A write about an id that exists for nobody: not found, or refused before the lookup (403 for a
# read-only caller, 400 for an empty body, 405 for a method the route lacks).
MISSING_WRITE = {400, 403, 404, 405}

# Web routes that answer anyone (sign-in, health, language, the API's documentation, calendar
# feeds whose secret is in the path): checked for "never 500" only.
PUBLIC_WEB = {"", "login/", "logout/", "healthz", "i18n/setlang/", "api/schema/", "api/docs/", "api/redoc/"}
PUBLIC_API = {"/api/v1/"}
# The health check answers everyone the same (503 "degraded" when a dependency is down): asked
# once, without credentials.
HEALTH = "healthz"
# Left to their own tests: the admin (Django's, staff only, tests/security/test_signin.py) and
# allauth's sign-in pages (tests/security/test_signin.py, test_browser_signin.py); the API is
# covered operation by operation from the OpenAPI document below, and the calendar feeds by
# token in tests/meetings/test_ics.py.
SKIPPED_WEB_PREFIXES = ("admin/", "accounts/", "api/v1/", "^api/", "calendar/")


@dataclass
class Target:
    """One object a route can be asked about, and who may see it."""

    label: str
    key: str  # the value put in the route's path
    visible: Callable[[Actor], bool]


@dataclass
class Kind:
    """What a route's path parameter names: its objects, and an id that exists for nobody."""

    missing: str
    targets: list[Target] = field(default_factory=list)
    writes_by_owner: int | None = None  # only this member (and the secretariat) writes; others: 403/"missing"


def _rule(level: str, *, party_member_id: int | None = None, parties_see_secretariat_only: bool = False):
    """may_see for an object at `level`, restricted (when restricted) to Japan; `party_member_id`
    is the member the app counts as a party of it."""

    def visible(actor: Actor, japan_id: int) -> bool:
        return confidentiality.may_see(
            actor,
            level=level,
            named=level == Confidentiality.RESTRICTED and actor.member_id == japan_id,
            party=party_member_id is not None and actor.member_id == party_member_id,
            parties_see_secretariat_only=parties_see_secretariat_only,
        )

    return visible


def _everyone(actor: Actor) -> bool:
    return True


def _members_level(actor: Actor) -> bool:
    return actor.sees_members_level


class World:
    """Objects at every level, built once."""

    def __init__(self):
        self.korea = MemberFactory(iso2="KR", name="Republic of Korea")
        self.japan = MemberFactory(iso2="JP", name="Japan")
        self.germany = MemberFactory(iso2="DE", name="Germany")
        self.kinds: dict[str, Kind] = {}
        self._meetings()
        self._projects()
        self._decisions()
        self._open_records()
        for area in ("reminder", "mail", "subscription", "delivery"):
            self.kinds[area] = Kind(missing="999999999")
        self.kinds["webhook"] = Kind(missing="999999999")

    def _add(self, kind: str, label: str, obj, visible, key=None) -> None:
        japan_id = self.japan.pk
        self.kinds.setdefault(kind, Kind(missing="999999999")).targets.append(
            Target(label, str(key if key is not None else obj.pk), lambda actor: visible(actor, japan_id))
        )

    def _meetings(self) -> None:
        japan = self.japan
        for level in LEVELS:
            meeting = MeetingFactory(confidentiality=level, title=f"Meeting {level}")
            if level == Confidentiality.RESTRICTED:
                meeting.restricted_to.set([japan])
            invitation = InvitationFactory(meeting=meeting, member=japan)  # Japan: a party
            seen = _rule(level, party_member_id=japan.pk)
            document = meeting.documents.create(title=f"Document {level}", confidentiality=level)
            if level == Confidentiality.RESTRICTED:
                document.restricted_to.set([japan])
            # Files to download: a document's version, the delegation's credentials.
            system = Actor.system()
            meeting_services.document_version_upload(
                actor=system, document=document, file=SimpleUploadedFile("a.txt", b"Text\n", "text/plain")
            )
            meeting_services.invitation_credentials_upload(
                actor=system,
                invitation=invitation,
                file=SimpleUploadedFile("c.pdf", PDF_BYTES, "application/pdf"),
            )

            # Action items are internal follow-up: not for forum-wide tokens, whatever the level.
            def members_only(actor, japan_id, seen=seen):
                return seen(actor, japan_id) and actor.sees_members_level

            def japans(actor, japan_id, seen=seen):
                return seen(actor, japan_id) and (actor.is_secretariat or actor.member_id == japan_id)

            self._add("meeting", level, meeting, seen)
            self._add("agenda-item", level, AgendaItemFactory(meeting=meeting), seen)
            self._add("outcome", level, OutcomeFactory(meeting=meeting), seen)
            self._add(
                "action-item", level, ActionItemFactory(meeting=meeting, owner=self.germany), members_only
            )
            self._add("document", level, document, seen)
            self._add("invitation", level, invitation, japans)
            self._add("registration", level, RegistrationFactory(invitation=invitation), japans)

    def _projects(self) -> None:
        for level in LEVELS:
            project = JointProjectFactory(
                confidentiality=level,
                lead_member=self.germany,
                restricted_to=[self.japan] if level == Confidentiality.RESTRICTED else [],
            )
            # Japan takes part: participants see even their secretariat-only project.
            participant = ParticipantFactory(project=project, member=self.japan)
            seen = _rule(level, party_member_id=self.japan.pk, parties_see_secretariat_only=True)
            self._add("project", level, project, seen)
            self._add("project-participant", level, participant, seen)
            self._add("milestone", level, MilestoneFactory(project=project), seen)
            self._add("funding-commitment", level, FundingCommitmentFactory(project=project), seen)
            self._add("project-update", level, ProjectUpdateFactory(project=project), seen)

    def _decisions(self) -> None:
        actor = Actor.system()
        product = ProductFactory(name="Lithium carbonate", slug="lithium-carbonate")
        for level in LEVELS:
            restricted = [self.japan] if level == Confidentiality.RESTRICTED else []
            adopted = adopt(actor, title=f"Adopted {level}", confidentiality=level, restricted_to=restricted)
            seen = _rule(level)
            self._add("decision", level, adopted, seen)
            self._add(
                "reference-price",
                level,
                reference_price_create(
                    actor=actor,
                    product=product,
                    amount="1",
                    valid_from=datetime.date(2026, 1, 1) + datetime.timedelta(days=LEVELS.index(level)),
                    adopted_by=adopted,
                ),
                seen,
            )
            draft = decision_services.decision_create(
                actor=actor,
                now=AT,
                title=f"Under procedure {level}",
                kind=DecisionKind.DECISION,
                text="Text.",
                confidentiality=level,
                restricted_to=restricted,
            )
            # A procedure for some members needs a decision restricted to them; others go to all.
            procedure = procedure_services.procedure_open(
                actor=actor,
                decision=draft,
                deadline_local=datetime.datetime(2026, 2, 20, 18, 0),  # noqa: DTZ001 - wall clock in time_zone
                time_zone="Europe/Brussels",
                all_members=not restricted,
                concerned=restricted,
                now=AT,
            )

            # While the procedure is open, a member's position is its own and the secretariat's.
            def own_position(actor, japan_id, seen=seen):
                return seen(actor, japan_id) and (actor.is_secretariat or actor.member_id == japan_id)

            self._add("procedure", level, procedure, seen)
            if level == Confidentiality.SECRETARIAT:
                continue  # no member is concerned by a secretariat-only decision: no positions
            position = procedure_services.position_answer(
                actor=actor, procedure=procedure, member=self.japan, kind="support", now=AT
            )
            self._add("position", level, position, own_position)

    def _open_records(self) -> None:
        """Shared with every reader by design (the member list, contacts, the market picture)."""
        # Another member's record and contacts are read, never written: such a write is refused
        # (403) or answers as for a record that does not exist. Contacts are for delegations and
        # the secretariat.
        self.kinds["member"] = Kind(
            missing="ZZ", targets=[Target("open", "JP", _everyone)], writes_by_owner=self.japan.pk
        )
        self.kinds["delegate"] = Kind(
            missing="999999999",
            targets=[Target("open", str(DelegateFactory(member=self.japan).pk), _members_level)],
            writes_by_owner=self.japan.pk,
        )
        self.kinds["chair-term"] = Kind(
            missing="999999999",
            targets=[Target("open", str(ChairTermFactory(member=self.japan).pk), _everyone)],
        )
        mineral = MineralFactory(name="Lithium", slug="lithium")
        self.kinds["mineral"] = Kind(
            missing="no-such-thing", targets=[Target("open", mineral.slug, _everyone)]
        )
        self.kinds["concentration"] = Kind(missing="no-such-thing", targets=[])
        product = ProductFactory(name="Spodumene", slug="spodumene")
        self.kinds["product"] = Kind(
            missing="no-such-thing", targets=[Target("open", product.slug, _everyone)]
        )
        observation = PriceObservationFactory(product=product)
        self.kinds["price-observation"] = Kind(
            missing="999999999", targets=[Target("open", str(observation.pk), _everyone)]
        )
        self.kinds["production-figure"] = Kind(missing="999999999", targets=[])


# The kind a route's parameter names, by the route's path before the parameter.
WEB_KINDS = {
    "members/": "member",
    "members/chair/": "chair-term",
    "members/delegates/": "delegate",
    "meetings/": "meeting",
    "meetings/agenda/": "agenda-item",
    "meetings/documents/": "document",
    "meetings/outcomes/": "outcome",
    "meetings/actions/": "action-item",
    "meetings/invitations/": "invitation",
    "meetings/registrations/": "registration",
    "projects/": "project",
    "projects/participants/": "project-participant",
    "projects/milestones/": "milestone",
    "projects/commitments/": "funding-commitment",
    "decisions/": "decision",
    "decisions/procedures/": "procedure",
    "decisions/positions/": "member",  # a member's record of positions
    "markets/products/": "product",
    "markets/prices/": "price-observation",
    "reminders/": "reminder",
    "reminders/outbox/": "mail",
    "webhooks/": "subscription",
    "webhooks/deliveries/": "delivery",
}
# Areas kept to some callers: everyone else is refused (403; 405 where the method is wrong
# anyway), whatever the id. The reminder queue, outbox and webhook log are the secretariat's;
# webhook subscriptions belong to partner tokens.
AREAS = [
    ("web", re.compile(r"^reminders/(?!notifications/|preferences/)"), {"secretariat"}),
    ("web", re.compile(r"^webhooks/"), {"secretariat"}),
    ("api", re.compile(r"^/api/v1/webhooks/"), TOKEN_ACTORS),
]
# The secretariat's own pages about a record others may see: to others they answer as for a
# record that does not exist.
SECRETARIAT_PAGES = {"meetings/<int:pk>/participants/", "meetings/<int:pk>/participants.pdf"}
# Web pages that only serve a write (forms), whatever the method.
WRITE_PAGE = re.compile(r"(edit|new|delete|remove|done|advance|move|retry|resend|disable|enable)/$")
API_KINDS = {
    "members": "member",
    "delegates": "delegate",
    "chair-terms": "chair-term",
    "meetings": "meeting",
    "invitations": "invitation",
    "registrations": "registration",
    "agenda-items": "agenda-item",
    "documents": "document",
    "outcomes": "outcome",
    "action-items": "action-item",
    "minerals": "mineral",
    "projects": "project",
    "project-participants": "project-participant",
    "milestones": "milestone",
    "funding-commitments": "funding-commitment",
    "project-updates": "project-update",
    "decisions": "decision",
    "procedures": "procedure",
    "positions": "position",
    "products": "product",
    "price-observations": "price-observation",
    "reference-prices": "reference-price",
    "production-figures": "production-figure",
    "concentration": "concentration",
    "webhooks": "webhook",
}
PARAMETER = re.compile(r"<(?:\w+:)?\w+>|\{\w+\}")


def _web_routes(resolver=None, prefix: str = ""):
    """Every route of the URL resolver as (path template, methods)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        path = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _web_routes(pattern, path)
        elif isinstance(pattern, URLPattern) and not path.startswith(SKIPPED_WEB_PREFIXES):
            yield path


@functools.cache
def _api_operations_cached() -> tuple[tuple[str, str], ...]:
    return tuple(_api_operations())


def _api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in sorted(schema["paths"].items()):
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                yield path, method


def _kind_of(template: str, kinds_by_prefix: dict[str, str]) -> str | None:
    """The kind named by the route's first parameter (None when it has none)."""
    found = PARAMETER.search(template)
    if found is None:
        return None
    head = template[: found.start()]
    if head.startswith("/api/v1/"):
        head = head.removeprefix("/api/v1/").strip("/")
    kind = kinds_by_prefix.get(head)
    assert kind is not None, f"route {template!r} is not classified: add its parameter to the matrix"
    return kind


def _fill(template: str, key: str) -> str:
    return "/" + PARAMETER.sub(key, template, count=1).lstrip("/")


@dataclass
class Case:
    surface: str  # "web" or "api"
    template: str
    method: str
    actor: str
    target: str  # the object's label, "missing" or "-" (no parameter)
    status: int


class Matrix:
    def __init__(self, world: World, clients: dict[str, Client], actors: dict[str, Actor | None]):
        self.world, self.clients, self.actors = world, clients, actors
        self.cases: list[Case] = []
        self.failures: list[str] = []

    def ask(self, surface: str, template: str, method: str, actor: str, target: str, url: str) -> int:
        client = self.clients[actor]
        cache.clear()  # throttles and idempotency keys start afresh for every case
        try:
            with transaction.atomic():
                if surface == "api" and method in ("post", "put", "patch"):
                    response = getattr(client, method)(url, data="{}", content_type="application/json")
                else:
                    response = getattr(client, method)(url)
                transaction.set_rollback(True)
            status = response.status_code
            location = response.get("Location", "")
        except Exception as error:  # noqa: BLE001 - a server error is one of the answers recorded
            status, location = 500, repr(error)
        self.cases.append(Case(surface, template, method, actor, target, status))
        if template == HEALTH and status == 503 and b'"degraded"' in response.content:
            return status  # a dependency the tests do not start (a worker) reported down
        if status >= 500:
            self.fail(surface, template, method, actor, target, status, f"server error {location}")
        self.last_location = location
        return status

    def fail(self, surface, template, method, actor, target, status, why: str) -> None:
        self.failures.append(
            f"{surface} {method.upper()} {template} as {actor} on {target}: {status} ({why})"
        )

    def anonymous_like(self, surface: str, actor: str) -> bool:
        return actor == "anonymous" or (surface == "web" and actor in TOKEN_ACTORS)

    def check_route(self, surface: str, template: str, methods: tuple[str, ...], kind_name: str | None):
        public = (template in PUBLIC_WEB) if surface == "web" else (template in PUBLIC_API)
        kind = self.world.kinds[kind_name] if kind_name else None
        for method in methods:
            if surface == "web" and method == "post" and self.get_only(template, kind):
                continue
            for actor in ("anonymous",) if template == HEALTH else ACTORS:
                if self.outside_area(surface, template, actor):
                    key = (kind.targets[-1].key if kind.targets else kind.missing) if kind else ""
                    status = self.ask(surface, template, method, actor, "area", _fill(template, key))
                    if status not in (403, 405):
                        self.fail(surface, template, method, actor, "area", status, "outside its area: 403")
                elif kind is None:
                    status = self.ask(surface, template, method, actor, "-", _fill(template, ""))
                    if not public:
                        self.expect_unparameterised(surface, template, method, actor, status)
                elif self.anonymous_like(surface, actor):
                    # Sent to sign-in whatever the object: asked about the most secret one.
                    target = kind.targets[-1] if kind.targets else None
                    label, key = (target.label, target.key) if target else ("missing", kind.missing)
                    status = self.ask(surface, template, method, actor, label, _fill(template, key))
                    self.expect_signin(surface, template, method, actor, label, status)
                else:
                    self.check_targets(surface, template, method, actor, kind)

    @staticmethod
    def outside_area(surface: str, template: str, actor: str) -> bool:
        for where, pattern, allowed in AREAS:
            if where == surface and pattern.search(template) and actor not in allowed:
                return actor != "anonymous" and not (surface == "web" and actor in TOKEN_ACTORS)
        return False

    def get_only(self, template: str, kind: Kind | None) -> bool:
        """A page that refuses POST before anything else (405 to the secretariat) is asked once."""
        key = kind.missing if kind else ""
        return self.ask("web", template, "post", "secretariat", "probe", _fill(template, key)) == 405

    def check_targets(self, surface: str, template: str, method: str, actor: str, kind: Kind) -> None:
        missing = self.ask(surface, template, method, actor, "missing", _fill(template, kind.missing))
        self.expect_missing(surface, template, method, actor, kind, missing)
        for target in kind.targets:
            status = self.ask(surface, template, method, actor, target.label, _fill(template, target.key))
            self.expect_target(surface, template, method, actor, kind, target, status, missing)

    def expect_unparameterised(self, surface, template, method, actor, status) -> None:
        where = (surface, template, method, actor, "-", status)
        if self.anonymous_like(surface, actor):
            self.expect_signin(surface, template, method, actor, "-", status)
        elif status == 404:
            self.fail(*where, "a route without a parameter answered 404")
        elif actor == "secretariat" and method == "get" and status not in (200, 302, 405):
            self.fail(*where, "the secretariat reads every page")

    def expect_signin(self, surface, template, method, actor, target, status) -> None:
        if surface == "api" and status != 401:
            self.fail(surface, template, method, actor, target, status, "anonymous API call must be 401")
        if surface == "web" and not (status == 302 and self.last_location.startswith("/login/")):
            self.fail(surface, template, method, actor, target, status, "anonymous page must go to sign-in")

    def expect_missing(self, surface, template, method, actor, kind, status) -> None:
        """An id that exists for nobody: 404 to a read; a write may be refused earlier (a
        read-only caller 403, an invalid body 400), the same for every id."""
        if method == "get" and status not in (404, 405):
            self.fail(surface, template, method, actor, "missing", status, "no such object must be 404")
        elif method != "get" and status not in MISSING_WRITE:
            self.fail(surface, template, method, actor, "missing", status, "unexpected answer to a write")

    def expect_target(self, surface, template, method, actor, kind, target, status, missing) -> None:
        where = (surface, template, method, actor, target.label, status)
        who = self.actors[actor]
        visible = target.visible(who)
        writes = method != "get" or (surface == "web" and WRITE_PAGE.search(template))
        owner = who.is_secretariat or who.member_id == kind.writes_by_owner
        if visible and writes and kind.writes_by_owner is not None and not owner:
            # Read by everyone, changed by its owner: refused (403), or answered as for a record
            # that is not there (another delegation's people), never accepted or validated.
            if status not in (403, missing):
                self.fail(*where, f"another member's record: 403 or as a missing id ({missing})")
            return
        if visible and template in SECRETARIAT_PAGES:
            visible = who.is_secretariat
        if not visible:
            if status != missing:
                self.fail(*where, f"hidden by the rule, yet answered unlike a missing id ({missing})")
        elif status == 404:
            self.fail(*where, "visible by the rule, yet answered 404")
        elif actor == "secretariat" and method == "get" and status not in (200, 302, 405):
            self.fail(*where, "the secretariat reads what it sees")


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory, request):
    """The objects, users, tokens and signed-in clients, built once for the module inside one
    transaction (rolled back at the end); each case runs in a savepoint of it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            built = _matrix()
            yield built
            transaction.set_rollback(True)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nroute matrix: {len(built.cases)} (route, method, actor, object) cases checked; "
            f"{len(ACTORS)} actors, objects at {len(LEVELS)} confidentiality levels"
        )


def _matrix() -> Matrix:
    world = World()
    users = {
        "secretariat": user_with_role(Role.SECRETARIAT_ADMIN, username="secretariat"),
        "korea": user_with_role(Role.DELEGATION, world.korea, username="korea"),
        "japan": user_with_role(Role.DELEGATION, world.japan, username="japan"),
        "observer": user_with_role(Role.OBSERVER, username="observer"),
    }
    clients: dict[str, Client] = {}
    actors: dict[str, Actor | None] = {"anonymous": None}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
        actors[name] = actor_for_user(user)
    for name, scope, member in (
        ("korea_write_token", TokenScope.WRITE, world.korea),
        ("forum_read_token", TokenScope.READ, None),
    ):
        token, raw = partner_token_create(actor=Actor.system(), name=name, scope=scope, member=member)
        clients[name] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        actors[name] = actor_for_token(token)
    clients["anonymous"] = Client()
    return Matrix(world, clients, actors)


# The routes are checked in groups (by their first path segment), so that a failing area can be
# run alone with -k; the last group takes every route no other group names, so none is left out.
GROUPS = ["members", "meetings", "projects", "decisions", "markets", "reminders", "webhooks", "other"]
API_GROUPS = {
    "members": "members",
    "delegates": "members",
    "chair-terms": "members",
    "meetings": "meetings",
    "invitations": "meetings",
    "registrations": "meetings",
    "agenda-items": "meetings",
    "documents": "meetings",
    "outcomes": "meetings",
    "action-items": "meetings",
    "projects": "projects",
    "project-participants": "projects",
    "milestones": "projects",
    "funding-commitments": "projects",
    "project-updates": "projects",
    "decisions": "decisions",
    "procedures": "decisions",
    "positions": "decisions",
    "minerals": "markets",
    "products": "markets",
    "price-observations": "markets",
    "reference-prices": "markets",
    "production-figures": "markets",
    "concentration": "markets",
    "webhooks": "webhooks",
    "chair": "members",
    "changes": "other",  # the change feed (core)
}


def _web_group(template: str) -> str:
    head = template.split("/", 1)[0]
    return head if head in GROUPS else "other"


def _api_head(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/", 1)[0]


def _api_group(path: str) -> str:
    return API_GROUPS.get(_api_head(path), "other")


def _report(matrix: Matrix, what: str, before: int, capsys) -> None:
    with capsys.disabled():
        print(f"\nroute matrix, {what}: {len(matrix.cases) - before} cases")
    failures, matrix.failures = matrix.failures, []
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:100])


def test_route_matrix_covers_every_route():
    web, operations = set(_web_routes()), list(_api_operations())
    assert len(web) > 100 and len(operations) > 130
    assert {_web_group(t) for t in web} == set(GROUPS)
    # Every API resource is named in a group; only the API's root is not.
    assert {p for p, _ in operations if _api_head(p) not in API_GROUPS} == PUBLIC_API


@pytest.mark.parametrize("group", GROUPS)
def test_route_matrix_web_routes_answer_as_the_confidentiality_rule_says(matrix, group, capsys):
    web = sorted(t for t in set(_web_routes()) if _web_group(t) == group)
    before = len(matrix.cases)
    for template in web:
        methods = ("get",) if template == "logout/" else ("get", "post")
        matrix.check_route("web", template, methods, _kind_of(template, WEB_KINDS))
    _report(matrix, f"{len(web)} {group} web routes x GET/POST", before, capsys)


@pytest.mark.parametrize("group", sorted(set(API_GROUPS.values())))
def test_route_matrix_api_operations_answer_as_the_confidentiality_rule_says(matrix, group, capsys):
    operations = [(p, m) for p, m in _api_operations_cached() if _api_group(p) == group]
    before = len(matrix.cases)
    for path, method in operations:
        matrix.check_route("api", path, (method,), _kind_of(path, API_KINDS))
    _report(matrix, f"{len(operations)} {group} API operations", before, capsys)
