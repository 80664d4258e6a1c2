import base64
import datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from core.webhooks import signing

BODY = b'{"type":"delegates.upsert","timestamp":"2026-11-28T10:00:00Z","data":{"id":1}}'


def _now() -> int:
    return int(datetime.datetime.now(tz=datetime.UTC).timestamp())


def test_secret_is_whsec_and_32_random_bytes():
    secret = signing.generate_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert signing.generate_secret() != secret


def test_signature_verifies_with_standardwebhooks():
    secret = signing.generate_secret()
    headers = signing.headers_for(secrets_=[secret], message_id="msg_1", timestamp=_now(), body=BODY)
    assert Webhook(secret).verify(BODY, headers) == {
        "type": "delegates.upsert",
        "timestamp": "2026-11-28T10:00:00Z",
        "data": {"id": 1},
    }


def test_signature_matches_the_reference_signer_exactly():
    secret = signing.generate_secret()
    moment = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
    ours = signing.sign(secret=secret, message_id="msg_2", timestamp=int(moment.timestamp()), body=BODY)
    assert ours == Webhook(secret).sign("msg_2", moment, BODY.decode())


def test_signature_tampered_body_fails():
    secret = signing.generate_secret()
    headers = signing.headers_for(secrets_=[secret], message_id="msg_1", timestamp=_now(), body=BODY)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(secret).verify(BODY.replace(b'"id":1', b'"id":2'), headers)


def test_signature_changed_id_fails():
    secret = signing.generate_secret()
    headers = signing.headers_for(secrets_=[secret], message_id="msg_1", timestamp=_now(), body=BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**headers, "webhook-id": "msg_other"})


def test_signature_old_timestamp_fails():
    secret = signing.generate_secret()
    headers = signing.headers_for(secrets_=[secret], message_id="msg_1", timestamp=_now() - 600, body=BODY)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(BODY, headers)


def test_signature_other_secret_fails():
    headers = signing.headers_for(
        secrets_=[signing.generate_secret()], message_id="msg_1", timestamp=_now(), body=BODY
    )
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.generate_secret()).verify(BODY, headers)


def test_signature_with_two_secrets_verifies_with_either():
    old, new = signing.generate_secret(), signing.generate_secret()
    headers = signing.headers_for(secrets_=[new, old], message_id="msg_1", timestamp=_now(), body=BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)


@pytest.mark.parametrize("bad", ["abc", "whsec_!!!", "whsec_" + base64.b64encode(b"short").decode()])
def test_secret_key_malformed_refused(bad):
    with pytest.raises(signing.InvalidSecret):
        signing.secret_key(bad)
