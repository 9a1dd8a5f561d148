"""SSRF guard: only http(s) to globally routable addresses (private ones only when allowed)."""

from __future__ import annotations

import socket

import pytest

from homeward.engines.cap.ssrf import UnsafeURLError, check_outbound_url


def _resolver(*addresses: str):
    def resolve(host: str, port: int, type: int = 0) -> list:
        family = socket.AF_INET6
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ] or [(family, socket.SOCK_STREAM, 6, "", ("", port))][:0]

    return resolve


def _failing_resolver(host: str, port: int, type: int = 0) -> list:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.8.9.10:8080/hook", "loopback"),
        ("http://10.1.2.3/hook", "private"),
        ("http://172.16.0.1/hook", "private"),
        ("https://192.168.1.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://100.64.0.1/hook", "non-global"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://240.0.0.1/hook", "reserved"),
        ("http://[::1]/hook", "loopback"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[fc00::1]/hook", "private"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://[2002:a00:1::]/hook", "6to4"),
    ],
)
def test_internal_literals_rejected(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError, match=reason):
        check_outbound_url(url, allow_private=False)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://203.0.113.5/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://8.8.8.8/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http:///nohost", "no host"),
        ("http://8.8.8.8:99999/", "port"),
        ("http://user:pw@8.8.8.8/", "credentials"),
        ("http://8.8.8.8/a b", "whitespace"),
        ("", "empty"),
    ],
)
def test_malformed_urls_rejected(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError, match=reason):
        check_outbound_url(url, allow_private=True)


def test_public_literals_allowed() -> None:
    target = check_outbound_url("https://8.8.8.8/hook")
    assert target.addresses == ("8.8.8.8",)
    assert target.port == 443
    assert target.scheme == "https"
    assert check_outbound_url("http://[2001:4860:4860::8888]:8443/x").port == 8443


def test_allow_private_for_test_settings() -> None:
    assert check_outbound_url("http://127.0.0.1:8000/hook", allow_private=True).addresses == ("127.0.0.1",)
    assert check_outbound_url("http://10.0.0.7/hook", allow_private=True).addresses == ("10.0.0.7",)
    # still never multicast or unspecified
    with pytest.raises(UnsafeURLError, match="multicast"):
        check_outbound_url("http://239.1.1.1/", allow_private=True)
    with pytest.raises(UnsafeURLError, match="unspecified"):
        check_outbound_url("http://0.0.0.0/", allow_private=True)


def test_names_are_resolved_and_every_address_must_pass() -> None:
    ok = check_outbound_url(
        "https://partner.example/hook", resolver=_resolver("93.184.216.34", "93.184.216.34")
    )
    assert ok.addresses == ("93.184.216.34",)
    assert ok.host == "partner.example"
    # one internal address among public ones is enough to refuse (DNS rebinding style)
    with pytest.raises(UnsafeURLError, match="private"):
        check_outbound_url("https://partner.example/hook", resolver=_resolver("93.184.216.34", "10.0.0.1"))
    with pytest.raises(UnsafeURLError, match="link-local"):
        check_outbound_url("https://partner.example/hook", resolver=_resolver("fe80::1%eth0"))
    with pytest.raises(UnsafeURLError, match="does not resolve"):
        check_outbound_url("https://nowhere.invalid/hook", resolver=_failing_resolver)
    with pytest.raises(UnsafeURLError, match="does not resolve"):
        check_outbound_url("https://empty.example/hook", resolver=_resolver())


def test_numeric_host_spellings_resolve_to_loopback() -> None:
    # "2130706433" and "0x7f.1" are 127.0.0.1 to inet_aton; the resolver sees through them.
    for url in ("http://2130706433/hook", "http://0x7f.1/hook", "http://localhost/hook"):
        with pytest.raises(UnsafeURLError):
            check_outbound_url(url)
