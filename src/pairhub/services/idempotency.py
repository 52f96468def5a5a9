"""Use case: answer a retried POST with its first answer (idempotency keys, Stripe's semantics)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import orjson

from pairhub.domain.idempotency import StoredAnswer, Verdict, judge
from pairhub.ports import Clock, Storage


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as kept for a key: status, headers and body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Claim:
    """What a request under a key may do: run (`verdict` None, holding the key) or not."""

    verdict: Verdict | None
    created_at: int
    answer: Answer | None = None
    """The first answer, for a replay."""


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """The digest that tells the same request from another one under the same key."""
    digest = hashlib.sha256(f"{method} {path}?{query}\n".encode())
    digest.update(body)
    return digest.hexdigest()


class IdempotencyKeys:
    """Claims keys, keeps the answers given to them, and replays them."""

    def __init__(self, storage: Storage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock

    def claim(self, scope: str, key: str, digest: str) -> Claim:
        """Hold the key for this request, or say why not (a replay carries the first answer)."""
        now = self._clock.now_ms()
        for _ in range(2):
            with self._storage.write() as uow:
                held = uow.idempotency_keys.reserve(StoredAnswer(scope, key, digest, now))
                if held is None:
                    return Claim(None, now)
                verdict = judge(held, digest, now)
                if verdict is Verdict.EXPIRED:
                    uow.idempotency_keys.release(scope, key, held.created_at)
                    continue
            if verdict is Verdict.REPLAY:
                answer = self._opened(held)
                if answer is None:
                    # Sealed under a key no longer configured: the answer cannot be given again.
                    return Claim(Verdict.REUSED, held.created_at)
                return Claim(verdict, held.created_at, answer)
            return Claim(verdict, held.created_at)
        raise RuntimeError("an expired idempotency key was claimed again at once")  # pragma: no cover

    def keep(self, scope: str, key: str, answer: Answer) -> None:
        """Keep the answer of the request that held the key."""
        kept = orjson.dumps(
            {"headers": answer.headers, "body": base64.b64encode(answer.body).decode("ascii")}
        )
        with self._storage.write() as uow:
            uow.idempotency_keys.complete(scope, key, answer.status, kept.decode("ascii"))

    def abandon(self, scope: str, key: str, created_at: int) -> None:
        """Free the key of a request that failed, so that a retry runs it."""
        with self._storage.write() as uow:
            uow.idempotency_keys.release(scope, key, created_at)

    @staticmethod
    def _opened(held: StoredAnswer) -> Answer | None:
        if held.answer is None or held.status is None:
            return None
        kept = orjson.loads(held.answer)
        headers = tuple((str(name), str(value)) for name, value in kept["headers"])
        return Answer(held.status, headers, base64.b64decode(kept["body"]))
