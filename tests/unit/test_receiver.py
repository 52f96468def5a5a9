"""The receiver library: signatures (checked against the standardwebhooks package), parsing, dedupe."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from standardwebhooks.webhooks import Webhook

from pairhub.receiver import (
    InMemoryDedupeStore,
    InvalidSignature,
    PairedEvent,
    PairingsView,
    Receiver,
    UnpairedEvent,
    parse_batch,
    verify,
)
from pairhub.receiver.signing import body_signature, sign
from tests.golden.seed_examples import seed_examples

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
OTHER = "whsec_" + base64.b64encode(b"o" * 32).decode()
BODY = json.dumps(seed_examples()["v1-unit.paired-ManualPair"]).encode()


def headers_for(secret: str, body: bytes, at: int | None = None, message_id: str = "msg_1") -> dict[str, str]:
    timestamp = int(time.time()) if at is None else at
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def test_our_signature_is_the_standard_one() -> None:
    at = datetime(2025, 5, 13, 13, 18, 13, tzinfo=UTC)
    reference = Webhook(SECRET).sign("msg_1", at, BODY.decode())
    assert sign(SECRET, "msg_1", int(at.timestamp()), BODY) == reference


def test_verify_accepts_a_request_signed_by_the_standard_library() -> None:
    now = datetime.now(tz=UTC)
    signature = Webhook(SECRET).sign("msg_1", now, BODY.decode())
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    assert verify(SECRET, headers, BODY) == "msg_1"


def test_during_rotation_either_secret_verifies() -> None:
    headers = headers_for(SECRET, BODY)
    headers["webhook-signature"] += " " + sign(OTHER, "msg_1", int(headers["webhook-timestamp"]), BODY)
    assert verify([OTHER], headers, BODY) == "msg_1"
    assert verify([SECRET], headers, BODY) == "msg_1"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, b: (h | {"webhook-signature": "v1,AAAA"}, b), "forged"),
        (lambda h, b: (h, b + b" "), "body changed"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "missing id"),
        (lambda h, b: (h | {"webhook-timestamp": "soon"}, b), "bad timestamp"),
    ],
)
def test_verify_refuses_tampering(mutate: object, reason: str) -> None:
    headers, body = mutate(headers_for(SECRET, BODY), BODY)  # type: ignore[operator]
    with pytest.raises(InvalidSignature):
        verify(SECRET, headers, body)


def test_verify_refuses_stale_and_future_timestamps_with_configurable_tolerance() -> None:
    now = 1_800_000_000
    old = headers_for(SECRET, BODY, at=now - 301)
    with pytest.raises(InvalidSignature):
        verify(SECRET, old, BODY, now_s=now)
    with pytest.raises(InvalidSignature):
        verify(SECRET, headers_for(SECRET, BODY, at=now + 301), BODY, now_s=now)
    assert verify(SECRET, old, BODY, now_s=now, tolerance_s=600) == "msg_1"


def test_body_signature_is_hex_hmac_of_the_raw_body() -> None:
    assert body_signature(SECRET, b"{}").startswith("sha256=")
    assert len(body_signature(SECRET, b"{}")) == len("sha256=") + 64


@pytest.mark.parametrize("name", sorted(seed_examples()))
def test_every_seed_example_parses(name: str) -> None:
    example = seed_examples()[name]
    batch = parse_batch(json.dumps(example))
    (event,) = batch.events
    data = example["eventsData"][0]["eventData"]
    assert batch.batch_id == example["eventBatchId"]
    assert event.unit_id == data["unitId"]
    assert event.registered_on == datetime(2025, 5, 12, 22, 20, tzinfo=UTC)
    if isinstance(event, PairedEvent):
        assert event.reason == data["reason"]
        if "location" in data:
            assert event.location is not None and event.location.latitude == 50.869
    else:
        assert isinstance(event, UnpairedEvent)


def test_unknown_fields_and_event_types_are_tolerated() -> None:
    example = seed_examples()["v2-unit.paired-AutoPair"]
    example["eventsData"][0]["eventData"]["trailerColour"] = "red"
    example["eventsData"].append({"eventType": "unit.renamed", "eventVersion": 3, "eventData": {}})

    batch = parse_batch(json.dumps(example))

    assert batch.events[0].extra == {"trailerColour": "red"}
    assert batch.skipped_event_types == ("unit.renamed",)


def test_receiver_deduplicates_by_batch_id() -> None:
    receiver = Receiver(SECRET, InMemoryDedupeStore())
    first = receiver.receive(headers_for(SECRET, BODY), BODY)
    again = receiver.receive(headers_for(SECRET, BODY, message_id="msg_1"), BODY)
    assert first is not None and first.batch_id == "31fccdce-725e-4c87-a91b-3a8e66144641"
    assert again is None


def test_pairings_view_applies_in_registered_order_and_ignores_late_events() -> None:
    def paired(unit: str, asset: str, minute: int) -> PairedEvent:
        return PairedEvent(
            1, datetime(2025, 1, 1, 0, minute, tzinfo=UTC), "o", unit, "success", "AutoPair", asset
        )

    def unpaired(unit: str, asset: str, minute: int) -> UnpairedEvent:
        return UnpairedEvent(1, datetime(2025, 1, 1, 0, minute, tzinfo=UTC), "o", unit, asset)

    failed = PairedEvent(1, datetime(2025, 1, 1, 0, 9, tzinfo=UTC), "o", "tp:3", "failed", "NotFound")
    view = PairingsView()
    view.apply([unpaired("tp:1", "a", 2), paired("tp:1", "a", 1), paired("tp:2", "a", 3), failed])
    view.apply([paired("tp:1", "b", 0)])

    assert view.asset_of == {"tp:2": "a"}
    assert view.units_on("a") == ["tp:2"]


def _ed25519_signed(body: bytes) -> tuple[str, dict[str, str]]:
    """A `whpk_` public key and headers signed `v1a` with its private key, by `cryptography` directly."""
    private = Ed25519PrivateKey.generate()
    public = "whpk_" + base64.b64encode(private.public_key().public_bytes_raw()).decode()
    timestamp = int(time.time())
    signature = private.sign(f"msg_1.{timestamp}.".encode() + body)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1a," + base64.b64encode(signature).decode(),
    }
    return public, headers


def test_a_public_key_verifies_v1a_and_nothing_else() -> None:
    public, headers = _ed25519_signed(BODY)
    hmac_signed = headers_for(SECRET, BODY)

    assert verify([SECRET, public], headers, BODY) == "msg_1"
    with pytest.raises(InvalidSignature):
        verify([public], headers, BODY + b" ")
    with pytest.raises(InvalidSignature):
        verify([public], hmac_signed, BODY)
    with pytest.raises(InvalidSignature):
        verify([SECRET], headers, BODY)


def test_a_malformed_public_key_is_a_configuration_error_not_a_mismatch() -> None:
    _, headers = _ed25519_signed(BODY)

    with pytest.raises(ValueError, match="whpk_"):
        verify(["whpk_" + base64.b64encode(b"short").decode()], headers, BODY)
