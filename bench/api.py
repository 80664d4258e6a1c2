"""API list pages and the change feed against the fastest way to produce the same JSON.

    make bench                       # or: .venv/bin/python bench/api.py [--rounds N]
    FORGE_BENCH_SCALE=0.1 .venv/bin/python bench/api.py --only changes   # a tenth of the data

On PostgreSQL only. The data set lives in its own database next to DATABASE_URL's (the name
gets a `_bench` suffix, or set FORGE_BENCH_DATABASE_URL); without DATABASE_URL a throwaway
server is started under var/bench/ with scripts/services.sh and stopped at the end (its data
stays there for the next run). The data set (100,000 joint projects with participants,
minerals and milestones; 3,600 meetings x 56 members = 201,600 invitations; 300,000 change
feed rows) is generated with INSERT ... SELECT generate_series in about a minute, and reused
while its marker row says it has the same shape.

Each page is fetched through the whole Django stack (django.test.Client: middleware, auth,
throttling, DRF, renderer) as a secretariat user (session) and as a member-bound token, and
produced again by one hand-written SQL query plus orjson. The bytes must be equal; the
summary prints median and p95 milliseconds of both, their ratio, a deep page (after 90% of
the caller's rows) against the first, and memory per page.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The data set's shape; a change here regenerates it. FORGE_BENCH_SCALE (default 1) scales the
# projects, meetings (so invitations) and feed rows, for a run that fits a busy machine
# (e.g. FORGE_BENCH_SCALE=0.1: 10,000 projects, 360 meetings, 30,000 feed rows).
SCALE = float(os.environ.get("FORGE_BENCH_SCALE", "1"))
PROJECTS = max(1_000, int(100_000 * SCALE))
MEETINGS = max(100, int(3_600 * SCALE))
DELEGATES_PER_MEMBER = 10
CHANGES = max(10_000, int(300_000 * SCALE))
DATASET_KEY = f"v2:projects={PROJECTS}:meetings={MEETINGS}:changes={CHANGES}"

PAGE_SIZE = 500
TOKEN_MEMBER = "KR"  # noqa: S105  (an ISO code, not a secret)
RAW_TOKEN = "forge_bench000_benchmark-token-not-a-secret"  # noqa: S105  (bench-only data set)
TARGET_LIST_RATIO = 2.0
TARGET_DEEP_RATIO = 1.2


# --- the database ---------------------------------------------------------------------------


def _with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _start_throwaway_postgres() -> str:
    """A PostgreSQL server under var/bench/ (kept for the next run), stopped when we exit."""
    directory = ROOT / "var" / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    script = ROOT / "scripts" / "services.sh"
    port = subprocess.run(
        ["bash", "-c", f'source "{script}"; services_free_port'], check=True, capture_output=True, text=True
    ).stdout.strip()
    started = subprocess.run(
        ["bash", "-c", f'source "{script}"; services_postgres_start "{directory}" {port}'],
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        print(started.stderr, file=sys.stderr)
        sys.exit(
            'Could not start PostgreSQL. Start one with `eval "$(scripts/services.sh start)"` '
            "and run again with DATABASE_URL set."
        )

    def stop() -> None:
        subprocess.run(["bash", "-c", f'source "{script}"; services_stop "{directory}"'], check=False)

    atexit.register(stop)
    return f"postgres://forge@127.0.0.1:{port}/forge"


def configure_database() -> str:
    url = os.environ.get("FORGE_BENCH_DATABASE_URL")
    if not url:
        base = os.environ.get("DATABASE_URL") or _start_throwaway_postgres()
        if not base.startswith(("postgres://", "postgresql://")):
            sys.exit(
                "The bench needs PostgreSQL: set DATABASE_URL=postgres://... (scripts/services.sh start)."
            )
        name = urlsplit(base).path.lstrip("/") or "forge"
        url = _with_database_name(base, name if name.endswith("_bench") else f"{name}_bench")
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    admin = psycopg2.connect(_with_database_name(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = url
    return url


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "forge.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"  # no query log: measure what production runs
    os.environ["FORGE_API_RATE"] = "100000000/min"  # the throttle runs, but never stops the bench
    os.environ.pop("REDIS_URL", None)  # throttle counters in local memory, as one process
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collected static here
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's "testserver" host


# --- the data set -----------------------------------------------------------------------------

GENERATE_SQL = [
    # Delegates: ten per member.
    f"""
    INSERT INTO members_delegate (created_at, updated_at, full_name, title, capacity, email, phone,
                                  active_from, active_until, member_id)
    SELECT now() - (g || ' hours')::interval, now() - (g || ' minutes')::interval,
           'Delegate ' || m.iso2 || ' ' || g, 'Director', (ARRAY['head','delegate','alternate','adviser',
           'focal_point'])[1 + g % 5], lower(m.iso2) || g || '@example.org', '+1 555 0100',
           DATE '2025-01-01' + g, NULL, m.id
    FROM members_member m, generate_series(1, {DELEGATES_PER_MEMBER}) g
    """,
    # Joint projects; ids are numbered 1..N in the temp table so related rows can refer to them.
    """
    CREATE TEMP TABLE bench_members AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, iso2 FROM members_member
    """,
    f"""
    INSERT INTO projects_jointproject (created_at, updated_at, title, summary, segment, host_country,
        stage, budget_amount, budget_currency, confidentiality, is_example, lead_member_id)
    SELECT ts, ts + ((g % 977) || ' minutes')::interval,
           'Joint project ' || g,
           'A joint critical-minerals project between FORGE members, number ' || g
             || ', covering feasibility, offtake and financing arrangements.',
           (ARRAY['exploration','extraction','processing','components','recycling','substitution'])[1 + g % 6],
           (SELECT iso2 FROM bench_members WHERE n = (g * 7) % 56),
           (ARRAY['prospect','exploration','scoping','prefeasibility','feasibility','permitting',
                  'construction','commissioning','production','closed','cancelled'])[1 + g % 11],
           CASE WHEN g % 5 < 3 THEN (g % 1000) * 12345.67 END,
           CASE WHEN g % 5 < 3 THEN (ARRAY['USD','EUR','KRW','JPY'])[1 + g % 4] ELSE '' END,
           CASE WHEN g % 20 < 12 THEN 'members' WHEN g % 20 < 17 THEN 'public'
                WHEN g % 20 < 19 THEN 'restricted' ELSE 'secretariat' END,
           false,
           (SELECT id FROM bench_members WHERE n = g % 56)
    FROM generate_series(1, {PROJECTS}) g,
         LATERAL (SELECT TIMESTAMPTZ '2020-01-01' + (g * 1571 || ' seconds')::interval
                         + ((g * 7919) % 1000000 || ' microseconds')::interval AS ts) t
    """,
    """
    CREATE TEMP TABLE bench_projects AS
    SELECT row_number() OVER (ORDER BY id) AS g, id, lead_member_id, confidentiality FROM projects_jointproject
    """,
    # Three participants per project, never the lead (members lead+1, lead+8, lead+15 modulo 56).
    """
    INSERT INTO projects_projectparticipant (created_at, updated_at, role, member_id, project_id)
    SELECT now(), now(), (ARRAY['participant','financier','offtaker','technical'])[1 + (p.g + k) % 4],
           m.id, p.id
    FROM bench_projects p CROSS JOIN generate_series(0, 2) k
    JOIN bench_members lead ON lead.id = p.lead_member_id
    JOIN bench_members m ON m.n = (lead.n + 1 + 7 * k) % 56
    """,
    # Two minerals per project.
    """
    INSERT INTO projects_jointproject_minerals (jointproject_id, mineral_id)
    SELECT p.id, mi.id
    FROM bench_projects p CROSS JOIN generate_series(0, 1) k
    JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM projects_mineral) mi
      ON mi.n = (p.g + 13 * k) % (SELECT count(*) FROM projects_mineral)
    """,
    # Restricted projects name two more members.
    """
    INSERT INTO projects_jointproject_restricted_to (jointproject_id, member_id)
    SELECT p.id, m.id
    FROM bench_projects p CROSS JOIN generate_series(0, 1) k
    JOIN bench_members lead ON lead.id = p.lead_member_id
    JOIN bench_members m ON m.n = (lead.n + 30 + 11 * k) % 56
    WHERE p.confidentiality = 'restricted'
    """,
    # Two milestones per project, some overdue.
    """
    INSERT INTO projects_milestone (created_at, updated_at, title, due_on, done_on, note, project_id)
    SELECT now(), now(), 'Milestone ' || k, CURRENT_DATE + ((p.g * 37 + k * 101) % 730 - 365)::int,
           CASE WHEN (p.g + k) % 2 = 0 THEN CURRENT_DATE - 400 END, '', p.id
    FROM bench_projects p CROSS JOIN generate_series(0, 1) k
    """,
    # Meetings over ten years.
    f"""
    INSERT INTO meetings_meeting (created_at, updated_at, kind, title, description, starts_at, ends_at,
        venue_name, venue_time_zone, virtual_link, margins_of, in_rotation_gap, status, rsvp_deadline,
        confidentiality, ics_sequence, chaired_by_id, host_id)
    SELECT s - interval '60 days', s - interval '30 days' + ((g % 1000) || ' microseconds')::interval,
           (ARRAY['ministerial','principals','som','working_group','deep_dive','finance_network'])[1 + g % 6],
           'Meeting ' || g, 'Agenda and logistics of meeting ' || g || '.', s, s + interval '3 hours',
           CASE WHEN g % 3 = 0 THEN '' ELSE 'Conference centre ' || g % 40 END,
           CASE WHEN g % 3 = 0 THEN 'UTC' ELSE 'Asia/Seoul' END,
           CASE WHEN g % 3 = 0 THEN 'https://meet.example.org/' || g ELSE '' END,
           '', false,
           (ARRAY['draft','announced','confirmed','held','held','held','cancelled','announced',
                  'confirmed','held'])[1 + g % 10],
           CASE WHEN g % 2 = 0 THEN s - interval '14 days' END,
           CASE WHEN g % 20 < 10 THEN 'members' WHEN g % 20 < 16 THEN 'public'
                WHEN g % 20 < 19 THEN 'restricted' ELSE 'secretariat' END,
           g % 4,
           (SELECT id FROM bench_members WHERE n = g % 56),
           CASE WHEN g % 3 = 0 THEN NULL ELSE (SELECT id FROM bench_members WHERE n = (g * 3) % 56) END
    FROM generate_series(1, {MEETINGS}) g,
         LATERAL (SELECT TIMESTAMPTZ '2021-01-04 09:00+00' + (g * 24 || ' hours')::interval AS s) t
    """,
    """
    INSERT INTO meetings_meeting_restricted_to (meeting_id, member_id)
    SELECT mt.id, m.id
    FROM meetings_meeting mt CROSS JOIN generate_series(0, 4) k
    JOIN bench_members m ON m.n = (mt.id + 9 * k) % 56
    WHERE mt.confidentiality = 'restricted'
    """,
    # Every member invited to every meeting.
    """
    INSERT INTO meetings_invitation (created_at, updated_at, status, answered_at, answered_by_label,
        answered_on_behalf, seats_quota, credentials, credentials_name, credentials_uploaded_at,
        member_id, meeting_id)
    SELECT mt.created_at, mt.created_at + ((m.n * 61) || ' seconds')::interval,
           (ARRAY['pending','accepted','declined','tentative','accepted'])[1 + (mt.id + m.n) % 5],
           CASE WHEN (mt.id + m.n) % 5 <> 0 THEN mt.created_at + interval '2 days' END,
           CASE WHEN (mt.id + m.n) % 5 <> 0 THEN 'delegation ' || m.iso2 ELSE '' END,
           (mt.id + m.n) % 7 = 0, 3,
           CASE WHEN (mt.id + m.n) % 9 = 0 THEN 'meetings/' || mt.id || '/credentials/x.pdf' ELSE '' END,
           CASE WHEN (mt.id + m.n) % 9 = 0 THEN 'credentials.pdf' ELSE '' END,
           CASE WHEN (mt.id + m.n) % 9 = 0 THEN mt.created_at + interval '3 days' END,
           m.id, mt.id
    FROM meetings_meeting mt CROSS JOIN bench_members m
    ORDER BY mt.id, m.n  -- ids as the invite service gives them: a meeting's members together
    """,
    # Change feed rows, numbered: upserts of invitations, projects, meetings and delegates, and
    # deletions of ids that no longer exist (tombstones).
    f"""
    INSERT INTO core_change (seq, at, resource, object_id, op, scope, event)
    SELECT (SELECT coalesce(max(seq), 0) FROM core_change) + g, now() - (({CHANGES} - g) || ' seconds')::interval,
           r.resource,
           CASE WHEN g % 100 = 99 THEN 10000000 + g ELSE r.first_id + (g::bigint * 7919) % r.n END,
           CASE WHEN g % 100 = 99 THEN 'delete' ELSE 'upsert' END, NULL, ''
    FROM generate_series(1, {CHANGES}) g
    JOIN (VALUES
        (0, 'meetings.invitation', (SELECT min(id) FROM meetings_invitation), (SELECT count(*) FROM meetings_invitation)),
        (1, 'projects.jointproject', (SELECT min(id) FROM projects_jointproject), {PROJECTS}),
        (2, 'meetings.meeting', (SELECT min(id) FROM meetings_meeting), {MEETINGS}),
        (3, 'members.delegate', (SELECT min(id) FROM members_delegate), (SELECT count(*) FROM members_delegate))
    ) AS r(k, resource, first_id, n) ON r.k = (CASE WHEN g % 10 < 4 THEN 0 WHEN g % 10 < 7 THEN 1
                                                    WHEN g % 10 < 8 THEN 2 ELSE 3 END)
    """,
]


def ensure_dataset() -> float:
    """Generate the data set unless its marker says it is there; return seconds spent."""
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dataset (key text PRIMARY KEY, made_at timestamptz)")
        cursor.execute("SELECT made_at FROM bench_dataset WHERE key = %s", [DATASET_KEY])
        found = cursor.fetchone()
    if found:
        print(f"data set {DATASET_KEY} reused (made {found[0]:%Y-%m-%d %H:%M})")
        return 0.0
    print(f"generating data set {DATASET_KEY} ...", flush=True)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_reference", verbosity=0)
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in GENERATE_SQL:
            step = time.perf_counter()
            cursor.execute(sql)
            label = " ".join(sql.split()[:3])
            print(f"  {label:<45} {cursor.rowcount:>9} rows {time.perf_counter() - step:6.1f} s", flush=True)
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, now())", [DATASET_KEY])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    print(f"data set generated in {seconds:.0f} s", flush=True)
    return seconds


def ensure_callers() -> tuple[object, str]:
    """The secretariat user and the member-bound read token the bench calls with."""
    from django.contrib.auth import get_user_model

    from members.api.authentication import token_hash
    from members.choices import Role, TokenScope
    from members.models import Member, Membership, PartnerToken

    user, _ = get_user_model().objects.get_or_create(username="bench-secretariat")
    Membership.objects.update_or_create(user=user, defaults={"role": Role.SECRETARIAT_ADMIN, "member": None})
    member = Member.objects.get(iso2=TOKEN_MEMBER)
    PartnerToken.objects.update_or_create(
        name="bench",
        defaults={
            "prefix": "bench000",
            "key_hash": token_hash(RAW_TOKEN),
            "member": member,
            "scope": TokenScope.READ,
            "revoked_at": None,
            "expires_at": None,
        },
    )
    return user, member.pk


# --- the one-query baseline -----------------------------------------------------------------


def dt(column: str) -> str:
    """A timestamp as DRF writes it: ISO 8601 in UTC with "Z", microseconds only when not zero."""
    return (
        f"CASE WHEN {column} IS NULL THEN NULL "
        f"WHEN to_char({column}, 'US') = '000000' "
        f"""THEN to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') """
        f"""ELSE to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END"""
    )


def iso2_of(column: str) -> str:
    return f"(SELECT iso2 FROM members_member WHERE id = {column})"


def codes_of(table: str, owner: str, alias: str) -> str:
    return (
        f"(SELECT coalesce(json_agg(m.iso2 ORDER BY m.name), '[]'::json) FROM {table} x "
        f"JOIN members_member m ON m.id = x.member_id WHERE x.{owner} = {alias}.id)"
    )


def project_json(t: str) -> str:
    return f"""json_build_object(
        'id', {t}.id, 'title', {t}.title, 'summary', {t}.summary,
        'minerals', (SELECT coalesce(json_agg(mi.slug ORDER BY mi.name), '[]'::json)
                     FROM projects_jointproject_minerals x JOIN projects_mineral mi ON mi.id = x.mineral_id
                     WHERE x.jointproject_id = {t}.id),
        'segment', {t}.segment, 'host_country', {t}.host_country, 'lead_member', {iso2_of(f"{t}.lead_member_id")},
        'participants', (SELECT coalesce(json_agg(json_build_object('id', pp.id, 'member', m.iso2, 'role', pp.role)
                                                  ORDER BY m.iso2), '[]'::json)
                         FROM projects_projectparticipant pp JOIN members_member m ON m.id = pp.member_id
                         WHERE pp.project_id = {t}.id),
        'stage', {t}.stage, 'budget_amount', {t}.budget_amount::text, 'budget_currency', {t}.budget_currency,
        'confidentiality', {t}.confidentiality,
        'restricted_to', {codes_of("projects_jointproject_restricted_to", "jointproject_id", t)},
        'is_example', {t}.is_example,
        'overdue_milestones', (SELECT count(*) FROM projects_milestone ms WHERE ms.project_id = {t}.id
                               AND ms.due_on < CURRENT_DATE AND (ms.done_on IS NULL OR ms.done_on > CURRENT_DATE)),
        'created_at', {dt(f"{t}.created_at")}, 'updated_at', {dt(f"{t}.updated_at")})"""


def meeting_json(t: str) -> str:
    return f"""json_build_object(
        'id', {t}.id, 'uid', 'meeting-' || {t}.id || '@forge.invalid', 'kind', {t}.kind, 'title', {t}.title,
        'description', {t}.description, 'starts_at', {dt(f"{t}.starts_at")}, 'ends_at', {dt(f"{t}.ends_at")},
        'venue_name', {t}.venue_name, 'venue_time_zone', {t}.venue_time_zone, 'virtual_link', {t}.virtual_link,
        'margins_of', {t}.margins_of, 'host', {iso2_of(f"{t}.host_id")},
        'chaired_by', {iso2_of(f"{t}.chaired_by_id")}, 'in_rotation_gap', {t}.in_rotation_gap,
        'status', {t}.status, 'rsvp_deadline', {dt(f"{t}.rsvp_deadline")}, 'confidentiality', {t}.confidentiality,
        'restricted_to', {codes_of("meetings_meeting_restricted_to", "meeting_id", t)},
        'ics_sequence', {t}.ics_sequence, 'created_at', {dt(f"{t}.created_at")},
        'updated_at', {dt(f"{t}.updated_at")})"""


def invitation_json(t: str) -> str:
    return f"""json_build_object(
        'id', {t}.id, 'meeting', {t}.meeting_id, 'member', {iso2_of(f"{t}.member_id")}, 'status', {t}.status,
        'answered_at', {dt(f"{t}.answered_at")}, 'answered_by_label', {t}.answered_by_label,
        'answered_on_behalf', {t}.answered_on_behalf, 'seats_quota', {t}.seats_quota,
        'credentials', CASE WHEN {t}.credentials <> '' THEN '/api/v1/invitations/' || {t}.id || '/credentials/' END,
        'credentials_name', {t}.credentials_name, 'credentials_uploaded_at', {dt(f"{t}.credentials_uploaded_at")},
        'created_at', {dt(f"{t}.created_at")}, 'updated_at', {dt(f"{t}.updated_at")})"""


def delegate_json(t: str) -> str:
    return f"""json_build_object(
        'id', {t}.id, 'member', {iso2_of(f"{t}.member_id")}, 'full_name', {t}.full_name, 'title', {t}.title,
        'capacity', {t}.capacity, 'email', {t}.email, 'phone', {t}.phone,
        'active_from', to_char({t}.active_from, 'YYYY-MM-DD'), 'active_until', to_char({t}.active_until, 'YYYY-MM-DD'),
        'created_at', {dt(f"{t}.created_at")}, 'updated_at', {dt(f"{t}.updated_at")})"""


def member_json(t: str) -> str:
    return f"""json_build_object(
        'id', {t}.id, 'iso2', {t}.iso2, 'name', {t}.name, 'kind', {t}.kind, 'status', {t}.status,
        'status_since', to_char({t}.status_since, 'YYYY-MM-DD'), 'capital_time_zone', {t}.capital_time_zone,
        'msp_partner', {t}.msp_partner, 'attended_launch', {t}.attended_launch,
        'created_at', {dt(f"{t}.created_at")}, 'updated_at', {dt(f"{t}.updated_at")})"""


def chair_term_json(t: str) -> str:
    return f"""json_build_object(
        'id', {t}.id, 'forum', {t}.forum, 'member', {iso2_of(f"{t}.member_id")}, 'role', {t}.role,
        'starts_on', to_char({t}.starts_on, 'YYYY-MM-DD'), 'ends_on', to_char({t}.ends_on, 'YYYY-MM-DD'),
        'basis', {t}.basis, 'created_at', {dt(f"{t}.created_at")}, 'updated_at', {dt(f"{t}.updated_at")})"""


def project_scope(t: str, member_id: int | None) -> str:
    if member_id is None:
        return "true"
    m = int(member_id)
    return f"""({t}.confidentiality IN ('public', 'members') OR {t}.lead_member_id = {m}
        OR EXISTS (SELECT 1 FROM projects_projectparticipant pp WHERE pp.project_id = {t}.id AND pp.member_id = {m})
        OR ({t}.confidentiality = 'restricted' AND EXISTS (SELECT 1 FROM projects_jointproject_restricted_to r
            WHERE r.jointproject_id = {t}.id AND r.member_id = {m})))"""


def meeting_scope(t: str, member_id: int | None) -> str:
    if member_id is None:
        return "true"
    m = int(member_id)
    return f"""(({t}.confidentiality IN ('public', 'members')
        OR ({t}.confidentiality = 'restricted' AND EXISTS (SELECT 1 FROM meetings_meeting_restricted_to r
            WHERE r.meeting_id = {t}.id AND r.member_id = {m}))
        OR ({t}.confidentiality = 'restricted' AND EXISTS (SELECT 1 FROM meetings_invitation i
            WHERE i.meeting_id = {t}.id AND i.member_id = {m})))
        AND {t}.status <> 'draft')"""


def invitation_scope(t: str, member_id: int | None) -> str:
    if member_id is None:
        return "true"
    return f"({t}.member_id = {int(member_id)} AND {meeting_scope('vm', member_id)})"


RESOURCES = {
    # label: (API path, table, json builder, scope builder, joins the scope needs)
    "projects.jointproject": ("projects", "projects_jointproject", project_json, project_scope, ""),
    "meetings.meeting": ("meetings", "meetings_meeting", meeting_json, meeting_scope, ""),
    "meetings.invitation": (
        "invitations",
        "meetings_invitation",
        invitation_json,
        invitation_scope,
        "JOIN meetings_meeting vm ON vm.id = t.meeting_id",
    ),
    "members.delegate": ("delegates", "members_delegate", delegate_json, lambda t, m: "true", ""),
    "members.member": ("members", "members_member", member_json, lambda t, m: "true", ""),
    "members.chairterm": ("chair-terms", "members_chairterm", chair_term_json, lambda t, m: "true", ""),
}


# Where the feed shows another form than the list (core.sync registrations): nowhere since
# projects sync in their list form (projects/api/sync.py); the feed's bytes are the lists'.
FEED_FORM: dict = {}


def baseline_list_sql(label: str, member_id: int | None) -> str:
    _, table, to_json, scope, joins = RESOURCES[label]
    return (
        f"SELECT t.id, {to_json('t')} FROM {table} t {joins} "
        f"WHERE t.id > %s AND {scope('t', member_id)} ORDER BY t.id LIMIT %s"
    )


class Baseline:
    """The same page from one SQL query and orjson, on Django's own database connection."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.raw = connection.connection

    def list_page(self, label: str, member_id: int | None, after: int, url: str) -> bytes:
        import orjson
        from rest_framework.utils.urls import replace_query_param

        from core.api.pagination import encode_cursor

        with self.raw.cursor() as cursor:
            cursor.execute(baseline_list_sql(label, member_id), [after, PAGE_SIZE + 1])
            rows = cursor.fetchall()
        self.raw.rollback()
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        nxt = replace_query_param(url, "cursor", encode_cursor({"after": rows[-1][0]})) if more else None
        return orjson.dumps({"next": nxt, "results": [row[1] for row in rows]})

    def feed_page(self, labels: list[str], member_id: int | None, after_seq: int, limit: int) -> bytes:
        """changes_page in one query: the page's rows, the last change per object, the objects."""
        import orjson

        from core.api.pagination import encode_cursor

        objects = []
        for label in labels:
            path, table, to_json, scope, joins = RESOURCES[label]
            to_json = FEED_FORM.get(label, to_json)
            objects.append(
                f"WHEN '{label}' THEN (SELECT {to_json('t')} FROM {table} t {joins} "
                f"WHERE t.id = l.object_id AND {scope('t', member_id)})"
            )
        paths = " ".join(f"WHEN '{label}' THEN '{RESOURCES[label][0]}'" for label in labels)
        sql = f"""
        WITH head AS (SELECT coalesce(max(seq), 0) AS seq FROM core_change),
        page AS (
            SELECT seq, resource, object_id, op FROM core_change
            WHERE seq > %(after)s AND seq <= (SELECT seq FROM head) AND resource = ANY(%(labels)s)
            ORDER BY seq LIMIT %(limit)s + 1
        ),
        counted AS (SELECT count(*) AS n, max(seq) FILTER (WHERE true) AS last FROM page),
        kept AS (SELECT * FROM page ORDER BY seq LIMIT %(limit)s),
        latest AS (
            SELECT DISTINCT ON (resource, object_id) seq, resource, object_id, op FROM kept
            ORDER BY resource, object_id, seq DESC
        )
        SELECT l.seq, CASE l.resource {paths} END, l.object_id, l.op,
               CASE WHEN l.op = 'upsert' THEN CASE l.resource {" ".join(objects)} END END,
               (SELECT n FROM counted), (SELECT max(seq) FROM kept), (SELECT seq FROM head)
        FROM latest l ORDER BY l.seq
        """
        with self.raw.cursor() as cursor:
            cursor.execute(sql, {"after": after_seq, "labels": labels, "limit": limit})
            rows = cursor.fetchall()
        self.raw.rollback()
        changes = []
        has_more, last_seq = False, after_seq
        for seq, resource_name, object_id, op, obj, n, last, head in rows:
            has_more = n > limit
            last_seq = last if has_more else max(head, after_seq)
            item = {"seq": seq, "resource": resource_name, "id": object_id}
            if op == "delete":
                item.update(op="delete", reason="deleted")
            elif obj is not None:
                item.update(op="upsert", object=obj)
            else:  # hidden from the caller now, whether it still exists or not
                item.update(op="delete", reason="lost_access")
            changes.append(item)
        return orjson.dumps(
            {"changes": changes, "next_cursor": encode_cursor({"seq": last_seq}), "has_more": has_more}
        )


# --- measuring ------------------------------------------------------------------------------


def timed_together(calls: list, rounds: int) -> tuple[list[list[float]], list[bytes]]:
    """Time the calls in turn, round after round, so background load hits all of them alike."""
    bodies = [call() for call in calls]  # warm-up
    bodies = [call() for call in calls]
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(rounds):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            bodies[i] = call()
            samples[i].append((time.perf_counter() - start) * 1000)
    return samples, bodies


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def peak_kib(call) -> float:
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def first_difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return (
        f"at byte {at}: API {a[max(0, at - 80) : at + 80]!r}\n  vs baseline {b[max(0, at - 80) : at + 80]!r}"
    )


def cursor_after_fraction(label: str, member_id: int | None, fraction: float) -> int:
    """The id after which a deep page starts: past `fraction` of the rows the caller sees."""
    from django.db import connection

    _, table, _, scope, joins = RESOURCES[label]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} t {joins} WHERE {scope('t', member_id)}")
        total = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT t.id FROM {table} t {joins} WHERE {scope('t', member_id)} ORDER BY t.id OFFSET %s LIMIT 1",
            [int(total * fraction)],
        )
        return cursor.fetchone()[0]


def profile(client, path: str) -> int:
    import cProfile
    import pstats

    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        response = client.get(path)
        assert response.status_code == 200, response.content[:300]
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="timed requests per page (default 15)")
    parser.add_argument("--only", help="comma-separated API paths to measure (e.g. projects,changes)")
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="cProfile 10 GETs of PATH (e.g. /api/v1/projects/?page_size=500) instead",
    )
    parser.add_argument("--token", action="store_true", help="with --profile: call as the member-bound token")
    args = parser.parse_args()

    url = configure_database()
    setup_django()
    print(f"database {urlsplit(url).path.lstrip('/')} on {urlsplit(url).netloc}")
    ensure_dataset()
    user, member_id = ensure_callers()

    from django.test import Client

    from core.api.pagination import encode_cursor
    from core.sync import registry

    secretariat = Client()
    secretariat.force_login(user)
    token = Client(HTTP_AUTHORIZATION=f"Bearer {RAW_TOKEN}")
    callers = [("secretariat", secretariat, None), (f"token {TOKEN_MEMBER}", token, member_id)]
    if args.profile:
        return profile(token if args.token else secretariat, args.profile)
    baseline = Baseline()
    only = set(args.only.split(",")) if args.only else None

    rows = []
    failures = []

    def api_call(client, path: str):
        def api() -> bytes:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.content[:300])
            return response.content

        return api

    def measure(caller: str, pages: list[tuple[str, object, object]]) -> list[dict]:
        """pages: (name, API call, baseline call); all timed in one interleaved run."""
        calls = [call for _, api, base in pages for call in (api, base)]
        samples, bodies = timed_together(calls, args.rounds)
        measured = []
        for i, (name, api, base) in enumerate(pages):
            api_ms, base_ms = samples[2 * i], samples[2 * i + 1]
            api_body, base_body = bodies[2 * i], bodies[2 * i + 1]
            same = api_body == base_body
            if not same:
                failures.append(f"{name} ({caller}) differs {first_difference(api_body, base_body)}")
            r = {
                "page": name,
                "caller": caller,
                "api": statistics.median(api_ms),
                "api95": p95(api_ms),
                "base": statistics.median(base_ms),
                "base95": p95(base_ms),
                "bytes": len(api_body),
                "same": same,
                "api_kib": peak_kib(api),
                "base_kib": peak_kib(base),
            }
            rows.append(r)
            measured.append(r)
            print(
                f"  {name:<24} {caller:<12} API {r['api']:7.1f} ms  baseline {r['base']:6.1f} ms  "
                f"x{r['api'] / r['base']:4.2f}  {'same bytes' if same else 'DIFFERENT'}",
                flush=True,
            )
        return measured

    def list_baseline(label: str, member, after: int, url: str):
        return lambda: baseline.list_page(label, member, after, url)

    print(f"\nlist pages of {PAGE_SIZE} ({args.rounds} rounds, interleaved, after 2 warm-ups)")
    deep_ratios = []
    for label in ("projects.jointproject", "meetings.meeting", "meetings.invitation"):
        path = RESOURCES[label][0]
        if only and path not in only:
            continue
        for caller, client, member in callers:
            first_url = f"/api/v1/{path}/?page_size={PAGE_SIZE}"
            after = cursor_after_fraction(label, member, 0.9)
            deep_url = f"{first_url}&cursor={encode_cursor({'after': after})}"
            first, deep = measure(
                caller,
                [
                    (
                        f"{path} first",
                        api_call(client, first_url),
                        list_baseline(label, member, 0, f"http://testserver{first_url}"),
                    ),
                    (
                        f"{path} deep (90%)",
                        api_call(client, deep_url),
                        list_baseline(label, member, after, f"http://testserver{deep_url}"),
                    ),
                ],
            )
            deep_ratios.append((f"{path} ({caller})", deep["api"] / first["api"]))

    if not only or "changes" in only:
        feed_labels = [entry.label for entry in registry.resources() if entry.label in RESOURCES]
        unknown = [entry.label for entry in registry.resources() if entry.label not in RESOURCES]
        if unknown:
            print(f"  (the baseline does not know {', '.join(unknown)}; they are not on the generated feed)")
        print(f"\nchange feed pages of {PAGE_SIZE} rows (resources on the feed: {', '.join(feed_labels)})")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT max(seq) FROM core_change")
            head = cursor.fetchone()[0]
        for caller, client, member in callers:
            pages = []
            for name, after in (("changes first", 0), ("changes deep (90%)", int(head * 0.9))):
                path = f"/api/v1/changes/?page_size={PAGE_SIZE}" + (
                    f"&cursor={encode_cursor({'seq': after})}" if after else ""
                )
                pages.append(
                    (
                        name,
                        api_call(client, path),
                        functools.partial(baseline.feed_page, feed_labels, member, after, PAGE_SIZE),
                    )
                )
            measure(caller, pages)

    print("\nSummary (median ms per page; p95 in brackets; memory: tracemalloc peak per page)")
    header = (
        f"{'page':<24} {'caller':<12} {'API ms':>15} {'one query ms':>15} {'ratio':>6} "
        f"{'target':>6} {'KiB':>7} {'API KiB':>8} {'base KiB':>8} {'bytes':>6}"
    )
    print(header)
    print("-" * len(header))
    missed = []
    for r in rows:
        ratio = r["api"] / r["base"]
        ok = ratio <= TARGET_LIST_RATIO
        if not ok:
            missed.append(f"{r['page']} ({r['caller']}) x{ratio:.2f}")
        print(
            f"{r['page']:<24} {r['caller']:<12} {r['api']:7.1f} [{r['api95']:5.1f}] {r['base']:7.1f} [{r['base95']:5.1f}] "
            f"{ratio:6.2f} {'ok' if ok else 'MISS':>6} {r['bytes'] / 1024:7.0f} {r['api_kib']:8.0f} "
            f"{r['base_kib']:8.0f} {'same' if r['same'] else 'DIFF':>6}"
        )
    print("\nDeep list page (after 90% of the caller's rows) against the first page:")
    for name, ratio in deep_ratios:
        ok = ratio <= TARGET_DEEP_RATIO
        if not ok:
            missed.append(f"deep {name} x{ratio:.2f}")
        print(f"  {name:<32} x{ratio:4.2f}  {'ok' if ok else 'MISS'} (target <= {TARGET_DEEP_RATIO})")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nprocess peak RSS {rss:.0f} MiB; targets: list pages <= {TARGET_LIST_RATIO}x the one-query baseline"
    )
    for failure in failures:
        print(f"BYTES DIFFER: {failure}")
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
