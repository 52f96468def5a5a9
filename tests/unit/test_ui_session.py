"""The UI session cookie: signed, tamper-evident, expiring, and free of the token itself."""

from __future__ import annotations

from dataclasses import replace

from pairhub.entrypoints.ui.formats import visible
from pairhub.entrypoints.ui.session import MAX_AGE_S, SessionCodec, csrf_matches, new_session
from pairhub.entrypoints.ui.web import safe_back

NOW = 1_747_088_400


def test_a_session_round_trips_and_carries_no_token() -> None:
    codec = SessionCodec(b"k" * 32)
    session = replace(new_session(NOW), role="organization", organization_id="org-1", key_id="key-1")

    value = codec.encode(session)

    assert codec.decode(value, NOW + 60) == session
    assert "phk_" not in value


def test_a_tampered_forged_or_expired_cookie_is_ignored() -> None:
    codec = SessionCodec(b"k" * 32)
    value = codec.encode(replace(new_session(NOW), role="organization", organization_id="org-1"))
    payload, signature = value.rsplit(".", 1)
    admin = SessionCodec(b"k" * 32).encode(replace(new_session(NOW), role="admin"))

    assert codec.decode(admin.rsplit(".", 1)[0] + "." + signature, NOW) is None
    assert codec.decode(payload + ".AAAA", NOW) is None
    assert SessionCodec(b"other" * 8).decode(value, NOW) is None
    assert codec.decode(value, NOW + MAX_AGE_S + 1) is None
    assert codec.decode("garbage", NOW) is None
    assert codec.decode(None, NOW) is None


def test_csrf_tokens_must_match_exactly() -> None:
    session = new_session(NOW)

    assert csrf_matches(session, session.csrf)
    assert not csrf_matches(session, None)
    assert not csrf_matches(session, "")
    assert not csrf_matches(session, session.csrf + "x")
    assert new_session(NOW).csrf != session.csrf


def test_return_addresses_stay_inside_the_ui() -> None:
    assert safe_back("/ui/units/tp:1", "/ui") == "/ui/units/tp:1"
    assert safe_back("https://evil.example/ui/", "/ui") == "/ui"
    assert safe_back("//evil.example/ui/", "/ui") == "/ui"
    assert safe_back("/ui/\\evil", "/ui") == "/ui"


def test_padding_and_control_characters_of_a_reported_vin_are_spelled_out() -> None:
    assert visible("WDB\x00123*\xff") == "WDB\\x00123*\\xff"
    assert visible(None) == ""
