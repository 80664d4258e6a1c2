#!/usr/bin/env bash
# The whole check, as `make test` and CI run it (after `make` has installed .venv):
#   1. throwaway PostgreSQL and Redis on random free ports (stopped on exit, whatever happens)
#   2. ruff lint + format check, manage.py check, makemigrations --check, check --deploy on the
#      production settings, docker-compose.yml validation
#   3. pytest on PostgreSQL + Redis (the whole suite, schemathesis over the OpenAPI document included)
#   4. pytest on the embedded default: SQLite + filesystem broker, without `postgres_only` tests
#
# Extra pytest arguments: PYTEST_ARGS="-x -k chair" make test
# Both cores:             PYTEST_WORKERS=2 make test   (pytest-xdist)
# Clock a year ahead:     make test-shifted            (FORGE_TEST_FAKETIME=+365d scripts/test.sh)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

# FORGE_TEST_FAKETIME (a libfaketime offset such as +365d) runs all of the above with the clock
# shifted: libfaketime is preloaded into this script, so every process it starts (PostgreSQL,
# pytest, the Celery workers and beat the tests start, Playwright) sees the same shifted wall
# clock. Monotonic clocks stay real (timeouts and Python's locks keep working; Python's sleep
# needs scripts/faketime/sitecustomize.py with this libfaketime). Two
# programs hang when it is preloaded and keep the real clock: Redis (started without it; its
# expiries are relative) and Chromium (through scripts/chromium-real-clock).
if [[ -n "${FORGE_TEST_FAKETIME:-}" && -z "${FAKETIME:-}" ]]; then
    if ! command -v faketime >/dev/null 2>&1; then
        echo "test: FORGE_TEST_FAKETIME needs faketime (scripts/system-deps.sh test installs it)" >&2
        exit 1
    fi
    FORGE_CHROMIUM=${FORGE_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
    export FORGE_REAL_CHROMIUM=$FORGE_CHROMIUM FORGE_CHROMIUM="$root/scripts/chromium-real-clock"
    export FAKETIME_DONT_FAKE_MONOTONIC=1
    # Python's time.sleep fails under libfaketime 0.9.10 with a real monotonic clock: see there.
    export PYTHONPATH="$root/scripts/faketime${PYTHONPATH:+:$PYTHONPATH}"
    echo "test: every process's clock is shifted by $FORGE_TEST_FAKETIME (libfaketime)"
    exec faketime -f "$FORGE_TEST_FAKETIME" "$0" "$@"
fi
# shellcheck source=scripts/services.sh
source scripts/services.sh

venv=${VENV:-.venv}
py="$root/$venv/bin/python"
if [[ ! -x "$py" ]]; then
    echo "test: $venv is missing; run 'make test' (it installs the dev requirements)" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/forge-test.XXXXXX")
cleanup() {
    local rc=$?
    set +e
    services_stop "$tmp"
    rm -rf "$tmp"
    if [[ $rc -ne 0 ]]; then
        echo "test: FAILED (exit $rc)" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n==> %s\n' "$*"; }

# Nothing from the caller's shell or a developer's .env may steer the run: every variable the
# settings read for the database, cache and broker is set explicitly below (the settings read
# .env only for variables that are not set at all).
unset DJANGO_SETTINGS_MODULE CELERY_BROKER_URL DJANGO_DEBUG

step "Starting throwaway PostgreSQL and Redis"
pg_port=$(services_free_port)
redis_port=$(services_free_port)
while [[ $redis_port == "$pg_port" ]]; do redis_port=$(services_free_port); done
services_postgres_start "$tmp" "$pg_port"
services_redis_start "$tmp" "$redis_port"

# kombu's filesystem transport does not create its folders.
mkdir -p "$tmp/var/celery/broker" "$tmp/var/celery/processed" "$tmp/var/media" "$tmp/var/mail" \
    "$tmp/var/static"
export FORGE_VAR_DIR="$tmp/var"
export FORGE_MEDIA_ROOT="$tmp/var/media"
export DATABASE_URL="postgres://forge@127.0.0.1:$pg_port/forge"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export CELERY_BROKER_URL="$REDIS_URL"
# Browser tests drive the system's Chromium (Playwright cannot download its own here).
FORGE_CHROMIUM=${FORGE_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
export FORGE_CHROMIUM
echo "DATABASE_URL=$DATABASE_URL"
echo "REDIS_URL=$REDIS_URL"

step "ruff check"
"$venv/bin/ruff" check .
step "ruff format --check"
"$venv/bin/ruff" format --check .

step "manage.py check"
"$py" manage.py check
step "manage.py compilemessages (the Korean catalogue; .mo files are not in git)"
"$py" manage.py compilemessages --ignore=.venv --ignore=var
step "manage.py makemigrations --check --dry-run"
"$py" manage.py makemigrations --check --dry-run

step "OpenAPI document: drf-spectacular --validate --fail-on-warn"
# Schemathesis then tests the running app against it over HTTP, three actors, every phase
# and check (tests/contract/test_schemathesis_live.py).
"$py" manage.py spectacular --validate --fail-on-warn --file "$tmp/openapi.yaml"
echo "the OpenAPI document is valid and generated without warnings"

step "manage.py check --deploy (production settings)"
DJANGO_SETTINGS_MODULE=forge.settings.production \
    DJANGO_SECRET_KEY="$("$py" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DJANGO_ALLOWED_HOSTS=forge.example.org \
    DJANGO_CSRF_TRUSTED_ORIGINS=https://forge.example.org \
    "$py" manage.py check --deploy --fail-level WARNING

step "docker-compose config"
if command -v docker-compose >/dev/null 2>&1; then
    # Validated on a copy beside .env.example as its .env, so a developer's own .env (or none,
    # in a fresh clone) changes nothing.
    mkdir -p "$tmp/compose"
    cp docker-compose.yml "$tmp/compose/docker-compose.yml"
    cp .env.example "$tmp/compose/.env"
    (cd "$tmp/compose" && docker-compose -f docker-compose.yml config -q)
    echo "docker-compose.yml is valid"
else
    echo "docker-compose is not installed (scripts/system-deps.sh test installs it)" >&2
    exit 1
fi

pytest_args=()
if [[ -n "${PYTEST_WORKERS:-}" && "${PYTEST_WORKERS}" != 0 && "${PYTEST_WORKERS}" != 1 ]]; then
    pytest_args+=(-n "$PYTEST_WORKERS")
fi
# Shell words, so quoting works: PYTEST_ARGS="-k 'chair and not api'"
eval "extra=(${PYTEST_ARGS:-})"

step "pytest on PostgreSQL + Redis"
set +e
DJANGO_SETTINGS_MODULE=forge.settings.test "$py" -m pytest "${pytest_args[@]}" "${extra[@]}"
rc=$?
set -e
if [[ $rc -eq 5 ]]; then
    echo "test: pytest collected no tests on PostgreSQL; that counts as a failure" >&2
    exit 1
elif [[ $rc -ne 0 ]]; then
    exit "$rc"
fi

step "pytest on the embedded default (SQLite, filesystem broker, no Redis)"
# What `make run` uses with nothing configured: the same values the settings default to, set
# explicitly so that a developer's .env cannot point this run at a server.
mkdir -p "$tmp/var-sqlite/celery/broker" "$tmp/var-sqlite/celery/processed" \
    "$tmp/var-sqlite/media" "$tmp/var-sqlite/mail" "$tmp/var-sqlite/static"
set +e
FORGE_VAR_DIR="$tmp/var-sqlite" \
    FORGE_MEDIA_ROOT="$tmp/var-sqlite/media" \
    DATABASE_URL="sqlite:///$tmp/var-sqlite/forge.sqlite3" \
    REDIS_URL="" \
    CELERY_BROKER_URL="filesystem://" \
    DJANGO_SETTINGS_MODULE=forge.settings.test \
    "$py" -m pytest -m "not postgres_only" "${pytest_args[@]}" "${extra[@]}"
rc=$?
set -e
if [[ $rc -eq 5 ]]; then
    echo "test: no tests left for SQLite after deselecting postgres_only; not a failure"
elif [[ $rc -ne 0 ]]; then
    exit "$rc"
fi

printf '\n==> All checks passed\n'
