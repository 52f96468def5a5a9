"""The SSRF guard: every refused address class, IPv6 wrappings, host names, schemes and the allow flags."""

from __future__ import annotations

import ipaddress

import pytest

from pairhub.adapters.http.ssrf import TargetGuard, TargetRefused, address_refusal, static_resolver

DNS = {
    "hooks.example.com": ["93.184.216.34"],
    "v6.example.com": ["2606:2800:220:1:248:1893:25c8:1946"],
    "private.example.com": ["192.168.1.20"],
    "mixed.example.com": ["93.184.216.34", "10.0.0.1"],
    "mapped.example.com": ["::ffff:127.0.0.1"],
    "localhost": ["127.0.0.1"],
}


def guard(allow_private: bool = False, allow_insecure: bool = False) -> TargetGuard:
    return TargetGuard(static_resolver(DNS), allow_private=allow_private, allow_insecure=allow_insecure)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.0.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.64.0.1", "non-public"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::a9fe:a9fe", "metadata"),
        ("2002:c0a8:0101::1", "private"),
        ("::127.0.0.1", "loopback"),
    ],
)
def test_non_public_addresses_are_refused_by_class(address: str, kind: str) -> None:
    reason = address_refusal(ipaddress.ip_address(address))
    assert reason is not None and kind in reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_a_host_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(
        TargetRefused, match=r"private\.example\.com resolves to 192\.168\.1\.20 is a private"
    ):
        guard().check_url("https://private.example.com/hook")


@pytest.mark.parametrize(
    "url",
    [
        "https://mixed.example.com/hook",  # one bad address is enough: DNS rebinding
        "https://mapped.example.com/hook",
        "https://localhost:8443/hook",
        "https://nowhere.example.com/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://169.254.169.254/latest/meta-data",
    ],
)
def test_unsafe_targets_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        guard().check_url(url)


def test_public_https_targets_pass() -> None:
    assert guard().check_url("https://hooks.example.com/pairhub").port == 443
    assert guard().check_url("https://v6.example.com:8443/x").port == 8443


@pytest.mark.parametrize(
    "url", ["http://hooks.example.com/", "ftp://hooks.example.com/", "hooks.example.com"]
)
def test_https_is_required_unless_insecure_webhooks_are_allowed(url: str) -> None:
    with pytest.raises(TargetRefused, match="https"):
        guard().check_url(url)


def test_the_allow_flags_lift_the_scheme_and_address_rules() -> None:
    relaxed = guard(allow_private=True, allow_insecure=True)
    relaxed.check_url("http://localhost:8000/hook")
    relaxed.check_url("http://10.0.0.1/hook")
    with pytest.raises(TargetRefused):
        relaxed.check_url("ftp://localhost/")


def test_the_connect_time_resolver_returns_only_checked_addresses() -> None:
    assert guard().resolve_checked("hooks.example.com", 443) == ["93.184.216.34"]
    with pytest.raises(TargetRefused):
        guard().resolve_checked("mixed.example.com", 443)


def test_refusals_of_local_targets_name_the_setting_that_allows_them() -> None:
    with pytest.raises(TargetRefused, match="PAIRHUB_ALLOW_INSECURE_WEBHOOKS=true"):
        guard().check_url("http://hooks.example.com/x")
    with pytest.raises(TargetRefused, match=r"loopback address.*PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS=true"):
        guard(allow_insecure=True).check_url("http://127.0.0.1:8100/")
