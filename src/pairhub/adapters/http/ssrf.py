"""SSRF guard: webhook targets must be public https endpoints, checked at creation and at connect time."""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from yarl import URL

# Raised here, caught by the use cases through the port.
from pairhub.ports.webhooks import TargetRefused as TargetRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
"""Resolves a host name and port to IP address strings (blocking; run it off the event loop)."""

METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]).split("%", 1)[0], None)
    return list(seen)


def static_resolver(table: Mapping[str, list[str]]) -> Resolver:
    """A resolver that answers from a fixed table (tests and air-gapped demos)."""

    def resolve(host: str, _port: int) -> list[str]:
        try:
            return list(table[host.lower().rstrip(".")])
        except KeyError:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} does not resolve") from None

    return resolve


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    # IPv6 forms that carry an IPv4 address reach that IPv4 host: check it as well.
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _classify(address: IPAddress) -> str | None:
    checks: tuple[tuple[bool, str], ...] = (
        (address in METADATA_ADDRESSES, "a cloud metadata address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        # Shared (CGNAT), benchmarking, documentation and similar ranges are not reachable publicly.
        (not address.is_global, "a non-public address"),
    )
    for matched, label in checks:
        if matched:
            return label
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Why a webhook may not connect to `address`, or None when it is a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        inner = _classify(embedded) if embedded is not None else None
        if inner is not None:
            return f"{inner} ({embedded} embedded in IPv6)"
    return _classify(address)


PRIVATE_HINT = " (for local development, set PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS=true)"


@dataclass(frozen=True)
class Target:
    """The parts of a webhook URL the guard looks at."""

    scheme: str
    host: str
    port: int
    literal: IPAddress | None


def parse_target(url: str, allow_insecure: bool) -> Target:
    """Check the URL's shape and scheme; raise TargetRefused when it cannot be a webhook target.

    The URL is parsed by yarl, the parser the HTTP client uses, so that the host checked here is the
    host connected to (`urlsplit` reads `https://127.0.0.1\\@1.2.3.4/` as host 1.2.3.4).
    """
    if "\\" in url or any(char <= " " or char == "\x7f" for char in url):
        raise TargetRefused("the URL is malformed: it holds a backslash, a space or a control character")
    try:
        parts = URL(url)
        host = (parts.raw_host or "").rstrip(".")
        port = parts.port
    except (ValueError, TypeError, UnicodeError, IndexError) as error:
        # yarl indexes past the end of some authorities (`https://[]@`) instead of refusing them.
        raise TargetRefused(f"the URL is malformed: {error or type(error).__name__}") from None
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if allow_insecure else ("https",)
    if scheme not in allowed:
        raise TargetRefused(
            "the URL must use https:// (for local development, set PAIRHUB_ALLOW_INSECURE_WEBHOOKS=true)"
        )
    if parts.raw_user is not None or parts.raw_password is not None:
        # Credentials in the authority are where parsers disagree on the host; they belong in headers.
        raise TargetRefused("the URL may not hold credentials (user@host); use a custom header instead")
    if not host:
        raise TargetRefused("the URL has no host")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    return Target(scheme, host.lower(), port or (443 if scheme == "https" else 80), literal)


_parsed = functools.lru_cache(maxsize=4096)(parse_target)
"""`parse_target` kept per URL for the check before each request: a worker posts to the same few URLs
thousands of times, and parsing one (yarl, the character scan, the address literal) costs more than the
rest of signing and sending it. A refused URL raises each time (exceptions are not cached)."""


class TargetGuard:
    """Applies the URL rules; `allow_private` lifts the address checks (development and tests)."""

    def __init__(self, resolver: Resolver, *, allow_private: bool, allow_insecure: bool) -> None:
        self.resolver = resolver
        self.allow_private = allow_private
        self.allow_insecure = allow_insecure

    def check_address(self, address: str) -> None:
        """Raise TargetRefused when connecting to `address` is not allowed."""
        if self.allow_private:
            return
        parsed = ipaddress.ip_address(address)
        reason = address_refusal(parsed)
        if reason is not None:
            raise TargetRefused(f"{address} is {reason}{PRIVATE_HINT}")

    def resolve_checked(self, host: str, port: int) -> list[str]:
        """Resolve `host` and return its addresses only if every one of them is allowed.

        One refused address refuses the host: a name that answers both public and private addresses
        is how DNS rebinding reaches internal services.
        """
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError) as error:
            raise TargetRefused(f"{host} does not resolve ({error})") from None
        if not addresses:
            raise TargetRefused(f"{host} does not resolve")
        for address in addresses:
            try:
                self.check_address(address)
            except TargetRefused as refused:
                raise TargetRefused(f"{host} resolves to {refused.reason}") from None
        return addresses

    def check_url(self, url: str) -> Target:
        """The full check made when a subscription is created or its URL changes (resolves DNS)."""
        target = parse_target(url, self.allow_insecure)
        if target.literal is not None:
            self.check_address(str(target.literal))
        else:
            self.resolve_checked(target.host, target.port)
        return target

    def check_before_connect(self, url: str) -> Target:
        """The checks made before each request; host names are checked by the resolver at connect time."""
        target = _parsed(url, self.allow_insecure)
        if target.literal is not None:
            self.check_address(str(target.literal))
        return target
