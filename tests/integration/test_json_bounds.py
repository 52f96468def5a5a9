"""Every JSON body is bounded in nesting and number size (400 `malformed_json`), and an oversized body
is refused, logged and counted as 413: no route answers 5xx to either."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
import structlog
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from prometheus_client import REGISTRY

from pairhub.entrypoints import json_input
from pairhub.entrypoints.unit_messages import parse_payload
from tests.support import Api


def _json_routes(api: Api, org_id: str) -> list[tuple[str, str]]:
    """(method, path) of every operation that takes a JSON body, with its path filled in."""
    routes = []
    for template, operations in api.client.app.openapi()["paths"].items():  # type: ignore[attr-defined]
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            path = template.replace("{org_id}", org_id)
            routes.append((method.upper(), re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)))
    return sorted(routes)


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _number(digits: int) -> bytes:
    return b'{"messages": [], "n": ' + b"7" * digits + b"}"


@pytest.fixture
def routes(api: Api) -> list[tuple[str, str]]:
    """The JSON routes, for one organization."""
    found = _json_routes(api, api.new_org().id)
    assert ("POST", "/v1/unit-messages") in found and len(found) > 10
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), depth=st.integers(1, 3000), digits=st.integers(1, 20_000))
@example(data=None, depth=100_000, digits=1_000_000)
def test_deep_nesting_and_long_numbers_are_malformed_json_on_every_route(
    api: Api, routes: list[tuple[str, str]], data: Any, depth: int, digits: int
) -> None:
    chosen = routes if data is None else [data.draw(st.sampled_from(routes))]
    for method, path in chosen:
        for body, beyond in (
            (_nested(depth), depth > json_input.MAX_DEPTH),
            (_number(digits), digits > json_input.MAX_DIGITS),
        ):
            answer = api.client.request(
                method, path, content=body, headers={**api.admin, "Content-Type": "application/json"}
            )
            assert answer.status_code < 500, (method, path, answer.text[:200])
            if beyond:
                assert answer.status_code == 400, (method, path, answer.text[:200])
                assert answer.json()["code"] == "malformed_json"


@given(depth=st.integers(1, 5000), digits=st.integers(1, 20_000))
@example(depth=100_000, digits=1_000_000)
def test_an_mqtt_payload_beyond_the_bounds_is_refused_as_malformed_json(depth: int, digits: int) -> None:
    nested = parse_payload("tp:1", b'{"vin": ' + _nested(depth) + b"}", 0)
    assert (nested.rejections[0].code == "malformed_json") == (depth + 1 > json_input.MAX_DEPTH)
    long_number = parse_payload("tp:1", b'{"vin": ' + b"7" * digits + b"}", 0)
    code = long_number.rejections[0].code
    assert (code == "malformed_json") == (digits > json_input.MAX_DIGITS), code


def test_digits_inside_strings_and_within_the_bounds_pass() -> None:
    assert json_input.screen(b'{"a": "' + b"1" * 5000 + b'", "b": 12345}') is None
    assert json_input.screen(_nested(json_input.MAX_DEPTH)) is None
    assert json_input.screen(_nested(json_input.MAX_DEPTH + 1)) is not None
    assert json_input.screen(b"[" + b"9" * json_input.MAX_DIGITS + b"]") is None


def _count(status: str) -> float:
    labels = {"method": "POST", "route": "/v1/unit-messages", "status": status}
    return REGISTRY.get_sample_value("pairhub_http_requests_total", labels) or 0.0


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"messages": ["'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"]}'


def test_an_oversized_chunked_body_is_logged_and_counted_as_413(api: Api) -> None:
    before_413, before_500 = _count("413"), _count("500")
    with structlog.testing.capture_logs() as logs:
        answer = api.client.post(
            "/v1/unit-messages",
            content=_chunks(3 * 1024 * 1024),  # a generator: sent chunked, without Content-Length
            headers={**api.admin, "Content-Type": "application/json"},
        )
    assert answer.status_code == 413
    assert answer.json()["code"] == "payload_too_large"
    assert [entry for entry in logs if entry["event"] == "unhandled_error"] == []
    assert _count("413") == before_413 + 1
    assert _count("500") == before_500


def test_a_refusal_lists_twenty_problems_and_counts_the_rest(api: Api) -> None:
    org = api.new_org()
    unknown = {f"colour{n}": n for n in range(50)}
    answer = api.client.post(f"/v1/organizations/{org.id}/assets", json=unknown, headers=org.headers)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "unknown_field"
    assert len(problem["errors"]) == 20
    assert problem["moreErrors"] == 30


def test_a_body_of_150000_unknown_keys_answers_in_proportion(api: Api) -> None:
    org = api.new_org()
    body = orjson.dumps({f"k{n:07d}": 1 for n in range(150_000)})
    assert len(body) > 1_700_000
    answer = api.client.post(
        f"/v1/organizations/{org.id}/assets",
        content=body,
        headers={**org.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert len(answer.content) <= 64 * 1024
    assert answer.json()["errors"][0]["type"] == "too_long"
    a_key_too_long = {"k" * 100_000: 1}
    answer = api.client.post(f"/v1/organizations/{org.id}/assets", json=a_key_too_long, headers=org.headers)
    assert answer.status_code == 422
    assert len(answer.content) <= 1024


NOT_JSON = (None, "text/plain", "application/x-www-form-urlencoded", "text/json")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    depth=st.integers(1, 3000),
    digits=st.integers(1, 20_000),
    content_type=st.sampled_from(NOT_JSON),
    route=st.sampled_from(["unit-messages", "assets"]),
)
@example(depth=100_000, digits=1_000_000, content_type=None, route="unit-messages")
@example(depth=100_000, digits=1_000_000, content_type=None, route="assets")
@example(depth=100_000, digits=1_000_000, content_type="text/plain", route="unit-messages")
@example(depth=100_000, digits=1_000_000, content_type="text/plain", route="assets")
def test_a_body_not_declared_json_is_415_whatever_it_holds(
    api: Api, depth: int, digits: int, content_type: str | None, route: str
) -> None:
    # Without this, a body sent with no Content-Type would reach a parser unscreened (FastAPI versions
    # that read such a body as JSON): every API body is JSON, declared, and screened.
    path = "/v1/unit-messages" if route == "unit-messages" else "/v1/organizations/{}/assets"
    org = api.new_org()
    headers = {**api.admin, **({"Content-Type": content_type} if content_type else {})}
    for body in (
        _nested(depth),
        _number(digits),
        b'{"messages": [{"unitId": "tp:1"}]}',
        b'{"vin": null, "name": "x"}',
    ):
        answer = api.client.post(path.format(org.id), content=body, headers=headers)
        assert answer.status_code == 415, (path, content_type, answer.text[:200])
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "unsupported_media_type"
    listed = api.client.get(f"/v1/organizations/{org.id}/assets", headers=org.headers)
    assert listed.json()["data"] == []


@pytest.mark.parametrize(
    ("content_type", "is_json"),
    [
        (b"application/json", True),
        (b"Application/JSON; charset=utf-8", True),
        (b" application/merge-patch+json ", True),
        (b"application/problem+json;q=1", True),
        (b"text/json", False),
        (b"text/plain", False),
        (b"application/jsonx", False),
        (b"application/json/x", False),
        (b"", False),
        (None, False),
    ],
)
def test_json_content_types_are_those_fastapi_parses_as_json(
    content_type: bytes | None, is_json: bool
) -> None:
    assert json_input.is_json_type(content_type) is is_json


def test_an_empty_body_without_a_content_type_is_no_body(api: Api) -> None:
    org = api.new_org()
    created = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions",
        json={"url": "http://127.0.0.1:9/hook", "eventVersion": 1, "eventNames": ["unit.paired"]},
        headers=org.headers,
    )
    assert created.status_code == 201, created.text
    rotated = api.client.post(
        f"/v1/organizations/{org.id}/subscriptions/{created.json()['id']}/rotate-secret",
        headers={**org.headers, "Content-Type": "text/plain"},
    )
    assert rotated.status_code == 200, rotated.text
