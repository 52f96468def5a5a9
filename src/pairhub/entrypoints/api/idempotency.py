"""`Idempotency-Key` on every POST of the API: the first answer to a key is the answer to its retries.

Stripe's semantics: the same key with the same request within 24 hours answers the first answer again
(same status and body, `Idempotent-Replayed: true`); the same key with another request answers 422
`idempotency_key_reused`; a retry while the first request still runs answers 409
`idempotency_key_in_use`, so concurrent duplicates have one effect. Keys belong to the caller: an
organization's keys, the admin token's and the ingest token's are separate namespaces, and a request
without a known caller (a public operation, a wrong token) passes with its key unread. Answers of 5xx
(and requests that fail) are not kept, so their retry runs again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pairhub.domain.access import Principal
from pairhub.domain.idempotency import MAX_KEY_LENGTH, Verdict, is_valid_key
from pairhub.entrypoints.api import problems
from pairhub.services.idempotency import Answer, fingerprint

if TYPE_CHECKING:
    from pairhub.bootstrap import Container

HEADER_NAME = "Idempotency-Key"
HEADER = HEADER_NAME.lower().encode()
REPLAYED_NAME = "Idempotent-Replayed"
REPLAYED = REPLAYED_NAME.lower()
_KEPT_HEADERS = frozenset({"content-type", "cache-control", "location", "retry-after", "feed-cursor"})
"""What a replay carries again (the rest, such as the request id, belongs to the retry itself)."""


def covers(method: str, path: str) -> bool:
    """Whether a request (or an operation, by its path template) takes a key: every POST of the API."""
    return method == "POST" and path.startswith("/v1/")


def scope_of(principal: Principal) -> str:
    """The namespace of a caller's keys: an API key's organization, a person, or the token's kind."""
    if principal.organization_id is not None:
        return f"org:{principal.organization_id}"
    if principal.person_id is not None:
        return f"person:{principal.person_id}"
    role = principal.instance_role.value if principal.instance_role is not None else "none"
    return f"{principal.actor_type.value}:{role}"


def _bearer(headers: dict[bytes, bytes]) -> str | None:
    raw = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = raw.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Idempotency:
    """Plain ASGI around the API: claims the key, runs the request once, keeps and replays its answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass through anything but an API POST with a key."""
        if scope["type"] != "http" or not covers(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        container: Container = scope["app"].state.container
        token = _bearer(headers)
        principal = (
            None if token is None else await run_in_threadpool(container.authenticator.authenticate, token)
        )
        if principal is None:
            # Keys belong to a caller: the operation answers 401 itself (or, public, takes no key).
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        if not is_valid_key(key):
            detail = f"`{HEADER_NAME}` is 1 to {MAX_KEY_LENGTH} printable ASCII characters."
            await problems.problem(400, "invalid_idempotency_key", detail)(scope, receive, send)
            return
        body, more = await _read_body(receive)
        if more is not None:
            await self.app(scope, more, send)  # the client went away mid-body: let the app see it
            return
        owner = scope_of(principal)
        digest = fingerprint(scope["method"], scope["path"], scope["query_string"].decode("latin-1"), body)
        claim = await run_in_threadpool(container.idempotency.claim, owner, key, digest)
        if claim.verdict is Verdict.REPLAY and claim.answer is not None:
            await _send_answer(claim.answer, send)
        elif claim.verdict is Verdict.IN_PROGRESS:
            await problems.problem(
                409,
                "idempotency_key_in_use",
                "A request with this `Idempotency-Key` is still running; send it again when it has answered.",
                headers={"Retry-After": "1"},
            )(scope, receive, send)
        elif claim.verdict is not None:
            await problems.problem(
                422,
                "idempotency_key_reused",
                "This `Idempotency-Key` was used for another request in the last 24 hours; use a new key.",
            )(scope, receive, send)
        else:
            await self._run_once(scope, body, send, container, owner, key, claim.created_at)

    async def _run_once(
        self,
        scope: Scope,
        body: bytes,
        send: Send,
        container: Container,
        owner: str,
        key: str,
        created_at: int,
    ) -> None:
        status = 500
        kept: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    text = name.decode("latin-1").lower()
                    if text in _KEPT_HEADERS:
                        kept.append((text, value.decode("latin-1")))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await run_in_threadpool(container.idempotency.abandon, owner, key, created_at)
            raise
        if status >= 500:
            await run_in_threadpool(container.idempotency.abandon, owner, key, created_at)
        else:
            answer = Answer(status, tuple(kept), b"".join(chunks))
            await run_in_threadpool(container.idempotency.keep, owner, key, answer)


async def _read_body(receive: Receive) -> tuple[bytes, Receive | None]:
    """The whole request body; with a receive to hand on instead when the client disconnected."""
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", _disconnected
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts), None


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}


async def _send_answer(answer: Answer, send: Send) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    headers.append((REPLAYED.encode(), b"true"))
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
