"""The SSRF guard reads a URL's host as the HTTP client (yarl) does, or refuses the URL."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from yarl import URL

from pairhub.adapters.http.ssrf import TargetRefused, parse_target


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1\\@1.2.3.4/hook",
        "https://1.2.3.4\\@127.0.0.1/hook",
        "https://user@1.2.3.4/hook",
        "https://user:pass@hooks.example.com/hook",
        "https://127.0.0.1 @1.2.3.4/hook",
        "https://1.2.3.4/ho\nok",
        "https://1.2.3.4:99999/hook",
    ],
)
def test_urls_the_parsers_could_read_differently_are_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        parse_target(url, allow_insecure=False)


def test_the_host_checked_is_the_host_connected_to() -> None:
    target = parse_target("https://Hooks.Example.com./hook", allow_insecure=False)
    assert (target.host, target.port) == ("hooks.example.com", 443)
    assert str(parse_target("https://[::1]:8443/x", allow_insecure=False).literal) == "::1"


_URL_PARTS = st.text(alphabet=st.sampled_from("abc19.:@/\\[]%?#- \t\x00é"), max_size=20)


@given(st.one_of(st.text(), st.builds("https://{}".format, _URL_PARTS)))
@example("https://[]@")
def test_any_text_is_a_target_the_client_agrees_on_or_a_refusal(url: str) -> None:
    try:
        target = parse_target(url, allow_insecure=False)
    except TargetRefused:
        return
    client = URL(url)
    assert (client.raw_host or "").rstrip(".").lower() == target.host
    assert client.port == target.port
