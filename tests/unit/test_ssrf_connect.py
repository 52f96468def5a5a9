"""The sender against a real loopback receiver: it dials only addresses the guard checked at connect time."""

from __future__ import annotations

import pytest

from pairhub.adapters.http.sender import AiohttpSender
from pairhub.adapters.http.ssrf import TargetGuard, static_resolver
from tests.delivery_support import Receiver, Reply

HEADERS = {"Content-Type": "application/json"}


def sender(allow_private: bool, dns: dict[str, list[str]], timeout: float = 2.0) -> AiohttpSender:
    guard = TargetGuard(static_resolver(dns), allow_private=allow_private, allow_insecure=True)
    return AiohttpSender(guard, timeout)


async def test_the_sender_connects_to_the_address_the_guard_resolved(receiver: Receiver) -> None:
    # `.test` names never resolve in real DNS: reaching the receiver proves the checked answer was dialled.
    client = sender(True, {"hooks.example.test": ["127.0.0.1"]})
    try:
        result = await client.send(receiver.url("/hook", host="hooks.example.test"), b"{}", HEADERS)
    finally:
        await client.close()

    assert result.status == 200
    [request] = receiver.requests("/hook")
    assert request.host == f"hooks.example.test:{receiver.port}"


async def test_a_name_rebound_to_loopback_is_refused_at_connect_time(receiver: Receiver) -> None:
    client = sender(False, {"rebind.example.test": ["127.0.0.1"]})
    try:
        result = await client.send(receiver.url("/hook", host="rebind.example.test"), b"{}", HEADERS)
    finally:
        await client.close()

    assert result.status is None
    assert result.error is not None and "target refused" in result.error and "loopback" in result.error
    assert receiver.requests() == []


@pytest.mark.parametrize("host", ["127.0.0.1", "[::ffff:127.0.0.1]"])
async def test_literal_private_addresses_are_refused_before_connecting(receiver: Receiver, host: str) -> None:
    client = sender(False, {})
    try:
        result = await client.send(f"http://{host}:{receiver.port}/hook", b"{}", HEADERS)
    finally:
        await client.close()

    assert result.error is not None and "target refused" in result.error
    assert receiver.requests() == []


async def test_redirects_are_reported_not_followed(receiver: Receiver) -> None:
    receiver.script("/hook", Reply(307, headers={"Location": receiver.url("/other")}))
    client = sender(True, {})
    try:
        result = await client.send(receiver.url("/hook"), b"{}", HEADERS)
    finally:
        await client.close()

    assert result.status == 307
    assert receiver.requests("/other") == []


async def test_only_the_first_2_kb_of_the_answer_are_kept(receiver: Receiver) -> None:
    receiver.script("/hook", Reply(500, headers={"Retry-After": "30"}, body="x" * 10_000))
    client = sender(True, {})
    try:
        result = await client.send(receiver.url("/hook"), b"{}", HEADERS)
    finally:
        await client.close()

    assert (result.status, len(result.excerpt), result.retry_after) == (500, 2048, "30")


async def test_a_receiver_that_does_not_answer_in_time_is_a_timeout(receiver: Receiver) -> None:
    receiver.script("/hook", Reply(hang=True))
    client = sender(True, {}, timeout=0.3)
    try:
        result = await client.send(receiver.url("/hook"), b"{}", HEADERS)
    finally:
        await client.close()

    assert result.status is None
    assert result.error == "timeout after 0.3 s"
