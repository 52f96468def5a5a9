"""Values from outside that once raised: any text is a value or a refusal, never an exception."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from pairhub.entrypoints.ui.session import SessionCodec, new_session
from pairhub.receiver import InvalidSignature
from pairhub.receiver.signing import sign, verify

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
NOW = 1_747_088_400
CODEC = SessionCodec(b"s" * 32)


def test_a_session_cookie_with_non_ascii_characters_is_ignored() -> None:
    cookie = CODEC.encode(new_session(NOW))
    payload, signature = cookie.rsplit(".", 1)
    assert CODEC.decode(f"{payload}.{signature[:-1]}²", NOW) is None
    assert CODEC.decode("é.ü", NOW) is None


@given(st.text())
def test_any_cookie_text_decodes_to_a_session_or_nothing(value: str) -> None:
    assert CODEC.decode(value, NOW) is None


@given(st.text())
def test_any_signature_header_is_refused_without_raising(offered: str) -> None:
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(NOW), "webhook-signature": offered}
    try:
        verify(SECRET, headers, b"{}", now_s=NOW)
    except InvalidSignature:
        return
    raise AssertionError("a random signature verified")


def test_a_non_ascii_signature_beside_a_good_one_still_verifies() -> None:
    good = sign(SECRET, "msg_1", NOW, b"{}")
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(NOW), "webhook-signature": f"v1,² {good}"}
    assert verify(SECRET, headers, b"{}", now_s=NOW) == "msg_1"


def test_timestamps_in_other_scripts_are_not_numbers() -> None:
    arabic_indic = "".join(chr(0x0660 + int(digit)) for digit in str(NOW))
    for stamp in (arabic_indic, f" {NOW} ", f"{NOW}".replace("0", "_0", 1), "²"):
        headers = {
            "webhook-id": "msg_1",
            "webhook-timestamp": stamp,
            "webhook-signature": sign(SECRET, "msg_1", NOW, b"{}"),
        }
        try:
            verify(SECRET, headers, b"{}", now_s=NOW)
        except InvalidSignature as refused:
            assert "not an integer" in str(refused)
        else:
            raise AssertionError(f"{stamp!r} was taken as a timestamp")
