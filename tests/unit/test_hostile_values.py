"""Values from outside that once raised: any text is a value or a refusal, never an exception."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain.delivery import MAX_RETRY_AFTER_MS, header_refusal, parse_retry_after
from pairhub.domain.model import is_valid_unit_id
from pairhub.entrypoints.parsing import sequence_number
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


@given(st.text())
def test_any_text_is_a_sequence_number_or_a_refusal(text: str) -> None:
    number = sequence_number(text)
    if number is not None:
        assert text.isascii() and str(number) == text.lstrip("0").rjust(1, "0")
        assert 0 <= number < 2**63


@given(st.binary())
def test_any_bytes_decoded_leniently_are_a_sequence_number_or_a_refusal(raw: bytes) -> None:
    number = sequence_number(raw.decode("utf-8", "replace"))
    assert number is None or number < 2**63


def test_digits_of_other_scripts_and_oversized_numbers_are_refused() -> None:
    for text in ("²", "①", "٣", "1" * 30, "-1", " 1", "1.0", "0x1", ""):
        assert sequence_number(text) is None
    assert sequence_number("0") == 0
    assert sequence_number("9" * 18) == 10**18 - 1


@given(st.text())
def test_any_text_is_a_unit_id_or_not_without_raising(text: str) -> None:
    if is_valid_unit_id(text):
        assert "\n" not in text and "\x00" not in text


def test_a_unit_id_with_a_trailing_newline_is_refused() -> None:
    assert is_valid_unit_id("tp:123")
    assert not is_valid_unit_id("tp:123\n")


@given(st.text(), st.text())
def test_any_custom_header_is_accepted_only_when_sendable(name: str, value: str) -> None:
    if header_refusal(name, value) is None:
        assert name.isascii() and ":" not in name
        assert all(ord(char) >= 0x20 or char == "\t" for char in value)
        assert "\x7f" not in value and value == value.strip()


def test_custom_header_values_with_control_characters_are_refused() -> None:
    for value in ("a\x01b", "a\x0bb", "a\x7fb", "a\x85b", "a\rb", "a\nb", " padded", "padded\t"):
        assert header_refusal("X-Token", value) is not None, repr(value)
    assert header_refusal("X-Token", "Bearer abc\tdef ü") is None


@given(st.text(), st.integers(min_value=0, max_value=2**41))
def test_any_retry_after_is_a_delay_or_nothing(value: str, now_ms: int) -> None:
    delay = parse_retry_after(value, now_ms)
    assert delay is None or 0 <= delay <= MAX_RETRY_AFTER_MS
