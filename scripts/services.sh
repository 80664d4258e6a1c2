#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers from the system's binaries, for tests and development.
#
# As a command (for developers):
#   eval "$(scripts/services.sh start)"   # a long-lived pair on 127.0.0.1:54329 / :63799,
#                                         # data under /tmp/forge-services; prints export lines
#   scripts/services.sh env                # print the export lines again
#   scripts/services.sh status
#   scripts/services.sh stop               # stops that pair (its data stays for the next start)
#   scripts/services.sh reset              # stops it and deletes its data
#
# As a library (scripts/test.sh sources it):
#   services_postgres_start DIR PORT   -> PostgreSQL in DIR/pg, database "forge", user "forge", trust auth
#   services_redis_start DIR PORT      -> Redis in DIR/redis, no persistence
#   services_stop DIR                  -> stops whatever of the two was started in DIR
#   services_free_port                 -> prints a free TCP port on 127.0.0.1
#
# Only servers started in the given DIR are ever stopped (by pid file / data directory), never
# other PostgreSQL or Redis processes on the machine. initdb and postgres refuse to run as root,
# so as root they run as the `postgres` system user and DIR/pg belongs to it.

services_log() { echo "services: $*" >&2; }

services_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/postgres" ]] || return 1
        echo "$PG_BIN"
        return 0
    fi
    if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
        echo /usr/lib/postgresql/15/bin
        return 0
    fi
    local dir
    # Any other installed major version, newest first.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        if [[ -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v pg_ctl >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    return 1
}

# Run a PostgreSQL server binary: as the postgres user when we are root.
services_as_pg_user() {
    if [[ $EUID -eq 0 ]]; then
        # From /, since the postgres user may not be allowed into the current directory.
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
        fi
    else
        "$@"
    fi
}

services_free_port() {
    python3 - <<'PY'
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

services_wait_port() {
    local port=$1 seconds=${2:-30} i
    for ((i = 0; i < seconds * 10; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

services_postgres_start() {
    local dir=$1 port=$2 bin data
    bin=$(services_pg_bin) || {
        services_log "PostgreSQL server binaries not found (install the 'postgresql' package)"
        return 1
    }
    mkdir -p "$dir"
    data="$dir/pg"
    if [[ $EUID -eq 0 ]]; then
        if ! id postgres >/dev/null 2>&1; then
            services_log "running as root but there is no 'postgres' user to run PostgreSQL as"
            return 1
        fi
        # The postgres user must be able to reach DIR (mktemp makes it 0700).
        chmod 755 "$dir"
    fi
    if [[ ! -f "$data/PG_VERSION" ]]; then
        mkdir -p "$data"
        if [[ $EUID -eq 0 ]]; then chown postgres: "$data"; fi
        chmod 700 "$data"
        services_as_pg_user "$bin/initdb" -D "$data" -A trust -U forge -E UTF8 --locale=C.UTF-8 \
            >"$dir/pg-initdb.log" 2>&1 || {
            cat "$dir/pg-initdb.log" >&2
            return 1
        }
    fi
    if services_as_pg_user "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        services_log "PostgreSQL already running in $data"
    else
        # Durability is worthless for a throwaway server: fsync off makes tests much faster.
        services_as_pg_user "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
            -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null || {
            services_log "PostgreSQL did not start; its log:"
            cat "$data/server.log" >&2 || true
            return 1
        }
    fi
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U forge -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'forge'" | grep -q 1; then
        "$bin/createdb" -h 127.0.0.1 -p "$port" -U forge forge
    fi
    services_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data $data)"
}

services_redis_start() {
    local dir=$1 port=$2 rdir
    command -v redis-server >/dev/null 2>&1 || {
        services_log "redis-server not found (install the 'redis-server' package)"
        return 1
    }
    rdir="$dir/redis"
    mkdir -p "$rdir"
    if [[ -f "$rdir/redis.pid" ]] && kill -0 "$(cat "$rdir/redis.pid")" 2>/dev/null; then
        services_log "Redis already running (pid $(cat "$rdir/redis.pid"))"
        return 0
    fi
    # Without libfaketime (FORGE_TEST_FAKETIME in scripts/test.sh): redis-server hangs at start
    # when it is preloaded. Redis keeps the real clock; its expiries are relative.
    env -u LD_PRELOAD -u FAKETIME redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$rdir" --pidfile "$rdir/redis.pid" --logfile "$rdir/redis.log" --daemonize yes >/dev/null
    if ! services_wait_port "$port" 30; then
        services_log "Redis did not start; its log:"
        cat "$rdir/redis.log" >&2 || true
        return 1
    fi
    services_log "Redis on 127.0.0.1:$port (pid $(cat "$rdir/redis.pid" 2>/dev/null))"
}

services_stop() {
    local dir=$1 bin pid i
    if [[ -f "$dir/pg/postmaster.pid" ]]; then
        if ! { bin=$(services_pg_bin) &&
            services_as_pg_user "$bin/pg_ctl" -D "$dir/pg" -m fast -w -t 30 stop >/dev/null 2>&1; }; then
            # Fall back to the postmaster's pid, which this data directory records.
            pid=$(head -n 1 "$dir/pg/postmaster.pid" 2>/dev/null || true)
            if [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null; then
                for ((i = 0; i < 100; i++)); do
                    kill -0 "$pid" 2>/dev/null || break
                    sleep 0.1
                done
            fi
            kill -0 "$pid" 2>/dev/null && services_log "could not stop PostgreSQL (pid $pid) in $dir/pg"
        fi
    fi
    if [[ -f "$dir/redis/redis.pid" ]]; then
        pid=$(cat "$dir/redis/redis.pid")
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for ((i = 0; i < 100; i++)); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        fi
        rm -f "$dir/redis/redis.pid"
    fi
}

# The developer's long-lived pair.
SERVICES_DEV_DIR=${FORGE_SERVICES_DIR:-/tmp/forge-services}
SERVICES_DEV_PG_PORT=${FORGE_SERVICES_PG_PORT:-54329}
SERVICES_DEV_REDIS_PORT=${FORGE_SERVICES_REDIS_PORT:-63799}

services_dev_env() {
    echo "export DATABASE_URL=postgres://forge@127.0.0.1:$SERVICES_DEV_PG_PORT/forge"
    echo "export REDIS_URL=redis://127.0.0.1:$SERVICES_DEV_REDIS_PORT/0"
}

services_main() {
    set -euo pipefail
    case "${1:-}" in
        start)
            services_postgres_start "$SERVICES_DEV_DIR" "$SERVICES_DEV_PG_PORT"
            services_redis_start "$SERVICES_DEV_DIR" "$SERVICES_DEV_REDIS_PORT"
            services_dev_env
            ;;
        stop)
            services_stop "$SERVICES_DEV_DIR"
            services_log "stopped (data kept in $SERVICES_DEV_DIR; 'reset' deletes it)"
            ;;
        reset)
            services_stop "$SERVICES_DEV_DIR"
            rm -rf "$SERVICES_DEV_DIR"
            services_log "stopped; removed $SERVICES_DEV_DIR"
            ;;
        env)
            services_dev_env
            ;;
        status)
            local bin
            if bin=$(services_pg_bin) && [[ -d "$SERVICES_DEV_DIR/pg" ]] &&
                services_as_pg_user "$bin/pg_ctl" -D "$SERVICES_DEV_DIR/pg" status >/dev/null 2>&1; then
                echo "postgresql: running on 127.0.0.1:$SERVICES_DEV_PG_PORT"
            else
                echo "postgresql: stopped"
            fi
            if [[ -f "$SERVICES_DEV_DIR/redis/redis.pid" ]] &&
                kill -0 "$(cat "$SERVICES_DEV_DIR/redis/redis.pid")" 2>/dev/null; then
                echo "redis: running on 127.0.0.1:$SERVICES_DEV_REDIS_PORT"
            else
                echo "redis: stopped"
            fi
            ;;
        *)
            echo "usage: $0 start|stop|reset|env|status" >&2
            echo "  start prints export lines: eval \"\$($0 start)\"" >&2
            return 2
            ;;
    esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    services_main "$@"
fi
