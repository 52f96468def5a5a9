"""Every parser of an outside value, fed arbitrary Unicode and bytes: a value or its refusal, nothing else.

Text includes lone surrogates (what `surrogateescape` makes of undecodable bytes); bytes arrive as a
server hands them over (Latin-1, one character per byte) and as UTF-8 decoded leniently. Each property
runs `EXAMPLES` cases (`--hypothesis-show-statistics` prints them per parser).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pairhub.adapters.http.ssrf import TargetRefused, parse_target
from pairhub.domain.delivery import MAX_RETRY_AFTER_MS, header_refusal, parse_retry_after
from pairhub.domain.diagnosis import invalid_reason
from pairhub.domain.model import is_valid_unit_id
from pairhub.domain.vin import (
    ReportedVin,
    in_vin_alphabet,
    is_usable_sensor_vin,
    is_valid_asset_vin,
    normalize_vin,
)
from pairhub.entrypoints.api.request_ids import request_id
from pairhub.entrypoints.parsing import sequence_number
from pairhub.entrypoints.ui.session import SessionCodec
from pairhub.receiver import InvalidSignature
from pairhub.receiver.signing import verify

EXAMPLES = 300
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
NOW_S = 1_747_088_400
SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()

any_text = st.text(st.characters(exclude_categories=()))
"""Every code point, lone surrogates included (the default text strategy leaves them out)."""
any_bytes = st.binary(max_size=200)
outside_text = st.one_of(
    any_text,
    any_bytes.map(lambda raw: raw.decode("latin-1")),
    any_bytes.map(lambda raw: raw.decode("utf-8", "surrogateescape")),
    st.text("0123456789", min_size=1, max_size=5000),  # long enough for int()'s 4300-digit limit
)


@settings(max_examples=EXAMPLES)
@given(outside_text)
@example("²")
@example("1" * 4301)
def test_cursor_and_before_are_a_bounded_number_or_a_refusal(text: str) -> None:
    number = sequence_number(text)
    assert number is None or (text.isascii() and text.isdigit() and 0 <= number < 2**63)


@settings(max_examples=EXAMPLES)
@given(outside_text, outside_text)
@example("X-Token", "a\udcffb")
def test_custom_headers_are_sendable_or_refused(name: str, value: str) -> None:
    if header_refusal(name, value) is None:
        # What aiohttp writes: Latin-1 encodable, no line breaks, no other control character.
        assert name.isascii()
        value.encode("utf-8")
        assert not any(char in value for char in "\r\n\x00\x7f")


@settings(max_examples=EXAMPLES)
@given(st.one_of(any_bytes, any_bytes.map(lambda raw: raw[:64])))
def test_request_ids_are_kept_only_as_safe_tokens(offered: bytes) -> None:
    rid = request_id(offered)
    assert rid.isascii() and rid.isprintable() and 1 <= len(rid) <= 64


@settings(max_examples=EXAMPLES)
@given(st.one_of(outside_text, st.none()), st.integers(min_value=0, max_value=2**42))
@example("9" * 200, 0)
@example("Fri, 31 Dec 9999 23:59:59 GMT", 0)
@example("Thu, 01 Jan 1970 00:00:00 GMT", 2**42)
def test_retry_after_is_a_capped_delay_or_nothing(value: str | None, now_ms: int) -> None:
    delay = parse_retry_after(value, now_ms)
    assert delay is None or 0 <= delay <= MAX_RETRY_AFTER_MS


@settings(max_examples=EXAMPLES)
@given(outside_text)
@example("tp:123\n")
@example("tp:\uff11\uff12\uff13")
def test_unit_ids_are_ascii_type_and_serial_or_refused(text: str) -> None:
    if is_valid_unit_id(text):
        kind, serial = text.split(":")
        assert text.isascii() and kind.isalnum() and serial.isalnum()


@settings(max_examples=EXAMPLES)
@given(st.one_of(outside_text, st.none()))
@example("1HGCM82633A00000\ufb05")
@example("\u017f1HGCM82633A00001")
@example("1HGCM82633A000001\n")
def test_vins_normalize_to_the_vin_alphabet_or_are_refused(raw: str | None) -> None:
    normalized = normalize_vin(raw)
    reported = ReportedVin.of(raw)
    if is_valid_asset_vin(normalized) or is_usable_sensor_vin(normalized):
        assert raw is not None and set(normalized) <= set(VIN_ALPHABET)
        # Normalization drops padding and separators and uppercases; it never turns another
        # character into VIN letters (the long s U+017F is no `S`).
        assert len(normalized) <= len(raw)
        assert all(char in raw or char.lower() in raw for char in normalized)
        assert invalid_reason(reported.raw, reported.normalized) is None
    else:
        assert invalid_reason(reported.raw, reported.normalized) is not None
    assert not in_vin_alphabet(normalized + "\n")


@settings(max_examples=EXAMPLES)
@given(st.one_of(outside_text, st.builds("https://{}/hook".format, outside_text)))
@example("https://127.0.0.1\\@1.2.3.4/hook")
@example("https://\udcff.example.com/hook")
def test_webhook_urls_are_a_target_or_refused(url: str) -> None:
    try:
        target = parse_target(url, allow_insecure=False)
    except TargetRefused as refused:
        assert refused.reason
        return
    assert target.scheme == "https" and target.host and target.host.isascii()
    assert 0 < target.port < 65536


CODEC = SessionCodec(b"s" * 32)


def _signed(payload: str) -> str:
    signature = base64.urlsafe_b64encode(
        hmac.new(b"s" * 32, payload.encode(), hashlib.sha256).digest()
    ).rstrip(b"=")
    return f"{payload}.{signature.decode()}"


@settings(max_examples=EXAMPLES)
@given(
    st.one_of(
        outside_text,
        # Correctly signed cookies around payloads that are not ours: the parser behind the signature.
        any_bytes.map(lambda raw: _signed(base64.urlsafe_b64encode(raw).rstrip(b"=").decode())),
        outside_text.filter(str.isascii).map(_signed),
    ),
)
@example(_signed(base64.urlsafe_b64encode(b'{"issued_at_s": "1", "csrf": 1}').decode()))
def test_session_cookies_are_a_session_or_nobody(cookie: str) -> None:
    session = CODEC.decode(cookie, NOW_S)
    assert session is None or isinstance(session.issued_at_s, int)


@settings(max_examples=EXAMPLES)
@given(outside_text, outside_text, outside_text)
@example("msg_1", "1" * 5000, "v1,x")
@example("msg_1", str(NOW_S), "v1,\udcff")
def test_receivers_verify_any_headers_or_refuse_them(message_id: str, timestamp: str, signature: str) -> None:
    headers = {"webhook-id": message_id, "webhook-timestamp": timestamp, "webhook-signature": signature}
    try:
        verify(SECRET, headers, b"{}", now_s=NOW_S)
    except InvalidSignature:
        return
    raise AssertionError("headers nobody signed were verified")
