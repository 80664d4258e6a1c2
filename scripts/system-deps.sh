#!/usr/bin/env bash
# Makes sure the system packages that `make run` / `make test` need are there.
#
#   scripts/system-deps.sh run    # building psycopg2 from source: libpq-dev, build-essential
#   scripts/system-deps.sh test   # the above plus PostgreSQL, Redis, Chromium, docker-compose
#
# Installs what is missing with apt-get when running as root, otherwise prints exactly what to
# install and exits 1. Does nothing (and touches no network) when everything is present.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/services.sh
source "$here/services.sh"

purpose=${1:-test}
missing=()

need() { # need PACKAGE CHECK...
    local package=$1
    shift
    if ! "$@" >/dev/null 2>&1; then
        missing+=("$package")
    fi
}

has_lib() { ldconfig -p | grep -q "$1"; }

need libpq-dev command -v pg_config
# WeasyPrint (PDFs of adopted decisions, core.pdf) lays text out with Pango, and needs a font.
need libpango-1.0-0 has_lib libpango-1.0.so.0
need libpangoft2-1.0-0 has_lib libpangoft2-1.0.so.0
need fonts-dejavu-core test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
# A Korean font: Korean pages in Chromium (browser tests, `make screenshots`) and Korean PDFs.
need fonts-nanum test -e /usr/share/fonts/truetype/nanum/NanumGothic.ttf
# gettext's msgfmt compiles the Korean catalogue (locale/ko) in `make setup` and `make test`.
need gettext command -v msgfmt
need build-essential command -v gcc
need build-essential command -v make
if [[ $purpose == test ]]; then
    need postgresql services_pg_bin
    need redis-server command -v redis-server
    need chromium command -v chromium
    need docker-compose command -v docker-compose
    # libfaketime: `make test-shifted` runs the suite with every process's clock a year ahead.
    need faketime command -v faketime
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

# De-duplicate, keeping the order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')

if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # No recommends: docker-compose would otherwise pull in a whole Docker engine.
    apt-get install -y -q --no-install-recommends "${missing[@]}"
    exit 0
fi

{
    echo "Missing system packages: ${missing[*]}"
    echo "Install them (Debian/Ubuntu) and run again:"
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
} >&2
exit 1
