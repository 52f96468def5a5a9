"""Digests of the MQTT messages taken, in memory."""

from __future__ import annotations

from collections.abc import Collection

from pairhub.adapters.memory.state import MemoryState


class MemoryTakenMessages:
    """The digests and when each was first taken."""

    def __init__(self, state: MemoryState) -> None:
        self._taken: dict[bytes, int] = state.table("mqtt_taken", dict)

    def taken(self, digests: Collection[bytes]) -> set[bytes]:
        """Those of `digests` already taken."""
        return {digest for digest in digests if digest in self._taken}

    def remember(self, digests: Collection[bytes], at_ms: int) -> None:
        """Note these messages as taken at `at_ms`."""
        for digest in digests:
            self._taken.setdefault(digest, at_ms)

    def keep_newest(self, count: int) -> int:
        """Forget all but the `count` newest digests."""
        newest_first = sorted(self._taken.items(), key=lambda item: item[1], reverse=True)
        for digest, _ in newest_first[count:]:
            del self._taken[digest]
        return max(0, len(newest_first) - count)
