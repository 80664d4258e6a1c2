"""Only literal addresses and /etc/hosts names: these tests send no traffic at all."""

import pytest

from core.webhooks.urlguard import DestinationRefused, check_destination


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("http://127.0.0.1:8000/hook", "127.0.0.1 is a loopback address"),
        ("http://[::1]/hook", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
        ("http://192.168.1.20/", "192.168.1.20 is a private address"),
        ("http://172.16.5.4/", "172.16.5.4 is a private address"),
        ("http://0.0.0.0/", "0.0.0.0 is a unspecified address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://100.64.0.1/", "100.64.0.1 is not a public address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[fc00::1]/", "fc00::1 is a private address"),
        ("http://[::ffff:127.0.0.1]/", "127.0.0.1 is a loopback address (inside ::ffff:7f00:1)"),
        ("http://[::ffff:10.0.0.1]/", "10.0.0.1 is a private address (inside ::ffff:a00:1)"),
        ("http://[2002:a9fe:a9fe::1]/", "169.254.169.254 is a link-local address (inside 2002:a9fe:a9fe::1)"),
        ("https://localhost/hook", "resolves to 127.0.0.1 is a loopback address"),
    ],
)
def test_destination_private_refused(settings, url, reason):
    settings.FORGE_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(DestinationRefused) as caught:
        check_destination(url)
    assert reason in str(caught.value)


def test_destination_private_allowed_by_setting(settings):
    settings.FORGE_WEBHOOK_ALLOW_PRIVATE = True
    destination = check_destination("http://127.0.0.1:9/x?y=1")
    assert (destination.host, destination.port, destination.path, destination.addresses) == (
        "127.0.0.1",
        9,
        "/x?y=1",
        ("127.0.0.1",),
    )


def test_destination_public_literal_accepted(settings):
    settings.FORGE_WEBHOOK_ALLOW_PRIVATE = False
    destination = check_destination("https://8.8.8.8/hooks")
    assert (destination.scheme, destination.port, destination.addresses) == ("https", 443, ("8.8.8.8",))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://8.8.8.8/x", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("http:///nohost", "The URL has no host."),
        ("http://user:pw@8.8.8.8/", "Leave user names and passwords out"),
        ("http://8.8.8.8:99999/", "Not a valid URL."),
    ],
)
def test_destination_malformed_refused(url, message):
    with pytest.raises(DestinationRefused, match=message):
        check_destination(url)
