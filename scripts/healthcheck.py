"""Container health check: GET /healthz on the local gunicorn and exit 0 only on HTTP 200.

Sends a Host header the production settings allow (the first of DJANGO_ALLOWED_HOSTS) and
X-Forwarded-Proto: https, as the TLS proxy in front would, so neither the host check nor the
HTTPS redirect gets in the way. Standard library only.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("PORT", "8000")
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(  # noqa: S310 (a fixed http URL on localhost)
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": host, "X-Forwarded-Proto": "https", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            ok = response.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
