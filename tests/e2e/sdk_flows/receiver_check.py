"""Feed recorded pairhub deliveries to the installed `pairhub_receiver` and print what it made of them.

Run by tests/e2e/test_receiver_distribution.py with the Python of a fresh venv that has only the
`pairhub-receiver` wheel installed. Usage: receiver_check.py DELIVERIES.json; the file holds
`{"deliveries": [{"key", "otherKey", "headers", "body" (base64)}]}`.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
from typing import Any

import pairhub_receiver
from pairhub_receiver import InvalidSignature, PairedEvent, PairingsView, Receiver, UnpairedEvent
from pairhub_receiver.signing import body_signature, same_text


def _refused(receiver: Receiver, headers: dict[str, str], body: bytes) -> bool:
    try:
        receiver.receive(headers, body)
    except InvalidSignature:
        return True
    return False


def _event(event: PairedEvent | UnpairedEvent) -> dict[str, Any]:
    return {
        "type": type(event).__name__,
        "version": event.version,
        "unitId": event.unit_id,
        "assetId": event.asset_id,
        "reason": getattr(event, "reason", None),
        "succeeded": getattr(event, "succeeded", None),
    }


def check(delivery: dict[str, Any], views: dict[str, PairingsView]) -> dict[str, Any]:
    """Verify, parse, deduplicate one delivery; try it forged and under another key."""
    headers: dict[str, str] = delivery["headers"]
    body = base64.b64decode(delivery["body"])
    receiver = Receiver([delivery["key"]])
    batch = receiver.receive(headers, body)
    assert batch is not None
    views.setdefault(batch.subscription_id, PairingsView()).apply(batch.events)
    body_header = headers.get("X-Signature-256")
    return {
        "batchId": batch.batch_id,
        "subscriptionId": batch.subscription_id,
        "events": [_event(event) for event in batch.events],
        "repeat": "deduplicated" if receiver.receive(headers, body) is None else "accepted again",
        "tamperedRefused": _refused(Receiver([delivery["key"]]), headers, body + b" "),
        "otherKeyRefused": _refused(Receiver([delivery["otherKey"]]), headers, body),
        "bodySignature": None
        if body_header is None
        else same_text(body_signature(delivery["key"], body), body_header),
    }


def main(path: str) -> None:
    """Print the outcome of every delivery in `path`, and the pairings they leave per subscription."""
    with open(path, encoding="utf-8") as source:
        deliveries = json.load(source)["deliveries"]
    views: dict[str, PairingsView] = {}
    results = [check(delivery, views) for delivery in deliveries]
    print(
        json.dumps(
            {
                "module": pairhub_receiver.__name__,
                # The distribution stands alone: nothing of pairhub is installed beside it.
                "pairhubInstalled": importlib.util.find_spec("pairhub") is not None,
                "results": results,
                "assetOf": {subscription: view.asset_of for subscription, view in views.items()},
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
