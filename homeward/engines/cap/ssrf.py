"""Guard for outbound partner requests (server-side request forgery).

Homeward only ever calls registered partner URLs, and in production those must not point into the
platform's own network: loopback, private, shared (CGNAT), link-local (cloud metadata), multicast,
reserved and unspecified addresses are refused. Host names are resolved with
``socket.getaddrinfo`` and *every* address must pass; the caller should then connect to one of the
returned addresses (pinning them) so that a second DNS lookup cannot be steered elsewhere.

Test settings pass ``allow_private=True`` so deliveries to a loopback test server work; even then
only http(s) URLs are allowed and multicast/unspecified targets are refused.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[Any]]

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsafeURLError(ValueError):
    """The URL must not be requested; the message says why."""


@dataclass(frozen=True)
class OutboundTarget:
    """A checked URL with the addresses it resolved to (connect to these)."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def address_problem(address: IPAddress, allow_private: bool) -> str | None:
    """Why ``address`` must not be contacted, or ``None`` if it may be."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped
        if mapped is not None:
            return address_problem(mapped, allow_private)
        # NAT64 / 6to4 / Teredo embed IPv4 targets; judge the embedded address too.
        if address.sixtofour is not None:
            problem = address_problem(address.sixtofour, allow_private)
            if problem:
                return f"6to4 address embedding {address.sixtofour}: {problem}"
        if address.teredo is not None:
            return "Teredo tunnel address"
    if address.is_unspecified:
        return "unspecified address"
    if address.is_multicast:
        return "multicast address"
    if allow_private:
        return None
    if address.is_loopback:
        return "loopback address"
    if address.is_link_local:
        return "link-local address"
    if address.is_reserved:  # before is_private: Python counts 240.0.0.0/4 as both
        return "reserved address"
    if address.is_private:
        return "private address"
    if not address.is_global:
        return "non-global address"
    return None


def check_outbound_url(
    url: str, allow_private: bool = False, *, resolver: Resolver = socket.getaddrinfo
) -> OutboundTarget:
    """Check that ``url`` may be requested; return the target with its resolved addresses.

    Raises :class:`UnsafeURLError` for a non-http(s) scheme, a missing or malformed host or port,
    a host that does not resolve, or any resolved address that is loopback, private, link-local,
    multicast, reserved or otherwise not globally routable (unless ``allow_private``).
    """
    if not isinstance(url, str) or not url.strip():
        raise UnsafeURLError("URL is empty")
    if any(ch in url for ch in "\r\n\t\x00 "):
        raise UnsafeURLError("URL contains whitespace or control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"scheme {parts.scheme!r} is not allowed (http or https only)")
    host = parts.hostname
    if not host:
        raise UnsafeURLError("URL has no host")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise UnsafeURLError("URL has an invalid port") from None
    if parts.username is not None or parts.password is not None:
        raise UnsafeURLError("credentials in the URL are not allowed")

    literal: IPAddress | None
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            infos = resolver(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise UnsafeURLError(f"host {host!r} does not resolve ({exc})") from None
        addresses = []
        for info in infos:
            raw = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
            try:
                addresses.append(ipaddress.ip_address(raw))
            except ValueError:
                raise UnsafeURLError(f"host {host!r} resolved to unparsable address {raw!r}") from None
        if not addresses:
            raise UnsafeURLError(f"host {host!r} does not resolve")
    for address in addresses:
        problem = address_problem(address, allow_private)
        if problem is not None:
            raise UnsafeURLError(f"host {host!r} resolves to {address}: {problem}")
    unique = tuple(dict.fromkeys(str(address) for address in addresses))
    return OutboundTarget(url=url, scheme=scheme, host=host, port=port, addresses=unique)
