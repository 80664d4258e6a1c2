"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A secret is "whsec_" + base64 of random bytes; the HMAC key is those bytes. The signature of
a message is "v1," + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")). Several
space-separated signatures may be sent at once, which is how a rotated secret keeps working
for a grace period.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32  # the standard allows 24 to 64


class InvalidSecret(ValueError):
    pass


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidSecret("A webhook secret starts with whsec_.")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidSecret("A webhook secret is whsec_ followed by base64.") from exc
    if not 24 <= len(key) <= 64:
        raise InvalidSecret("A webhook secret holds 24 to 64 bytes.")
    return key


def sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = b"%s.%d.%s" % (message_id.encode(), timestamp, body)
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(*, secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: one signature per live secret, space-separated."""
    return " ".join(sign(secret=s, message_id=message_id, timestamp=timestamp, body=body) for s in secrets_)


def headers_for(*, secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            secrets_=secrets_, message_id=message_id, timestamp=timestamp, body=body
        ),
    }
