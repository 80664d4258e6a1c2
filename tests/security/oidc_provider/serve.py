"""Start the stand-in identity provider: migrate its own SQLite database, create the people and
the client application given on the command line, and serve HTTP until stopped. Once its socket
listens it prints "serving on port N" (N chosen by the system when --port is 0), which is what
the tests wait for.

    python -m tests.security.oidc_provider.serve --port P --db PATH --client-id ID \
        --client-secret S --redirect-uri URI --person username:password:role:member ...
"""

from __future__ import annotations

import argparse
import os
import secrets


def _rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("--port", "--db", "--client-id", "--client-secret", "--redirect-uri"):
        parser.add_argument(name, required=True)
    parser.add_argument("--person", action="append", default=[])
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.security.oidc_provider.settings"
    os.environ["OIDC_TEST_DB"] = args.db
    os.environ["OIDC_TEST_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["OIDC_TEST_RSA_KEY"] = _rsa_key()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", run_syncdb=True, verbosity=0)
    for person in args.person:
        username, password, role, member = person.split(":")
        User.objects.create_user(
            username, f"{username}@ministry.example.org", password, first_name=role, last_name=member
        )
    Application.objects.create(
        name="FORGE",
        client_id=args.client_id,
        client_secret=args.client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=args.redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run("127.0.0.1", int(args.port), get_wsgi_application(), threading=True, on_bind=_announce)


def _announce(port: int) -> None:
    print(f"serving on port {port}", flush=True)


if __name__ == "__main__":
    main()
