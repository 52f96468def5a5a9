"""Keyset pagination shared by every list, and the opaque cursors of lists that page by sequence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from pairhub.domain.errors import BeyondRetention, Invalid
from pairhub.ports import Sealer

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items and the cursor of the next page (None at the end)."""

    items: Sequence[T]
    next_cursor: str | None


def check_retention(
    before: int | None,
    page: Sequence[object],
    oldest: Callable[[], int | None],
    cursor_of: Callable[[int], str],
) -> None:
    """410 `beyond_retention` when a newest-first page continuing below `before` is empty because the
    retention pruned what lay there: the cursor was handed out with a row below it, and none is left.

    `oldest` (the list's oldest position still held, whatever the filters) is only asked for an empty
    page; `cursor_of(p)` is the cursor of the page below `p`, so the one offered starts at that row.
    """
    if before is None or page:
        return
    held = oldest()
    if held is None or held >= before:
        raise BeyondRetention(None if held is None else cursor_of(held + 1))


def paginate(rows: Sequence[T], limit: int, cursor_of: Callable[[T], str]) -> Page[T]:
    """Cut `rows` (fetched with limit + 1) into a page; the extra row only proves there is more."""
    if len(rows) > limit:
        kept = rows[:limit]
        return Page(kept, cursor_of(kept[-1]))
    return Page(rows, None)


class CursorKind(StrEnum):
    """The lists whose cursors are sealed: positions in a sequence shared by every organization, and
    the lists ordered by id (whose cursor, the last id, would otherwise be a raw id handed back)."""

    EVENTS = "events"
    PAIRINGS = "pairings"
    ATTEMPTS = "attempts"
    BATCHES = "batches"
    ORGANIZATIONS = "organizations"
    ASSETS = "assets"
    UNITS = "units"
    PAIRED_UNITS = "paired-units"
    PAIRINGS_AS_OF = "pairings-as-of"
    SUBSCRIPTIONS = "subscriptions"
    FEEDS = "feeds"
    API_KEYS = "api-keys"
    MEMBERS = "members"
    INVITATIONS = "invitations"
    UNKNOWN_UNITS = "unknown-units"
    PEOPLE = "people"


POSITION_BYTES = 8


class Cursors:
    """The one encoder and decoder of those cursors: opaque, bound to one organization and one list.

    The positions are global sequence numbers (the outbox's `seq`, the pairing history's), so a plain
    number would show how many events other organizations produced between two reads. Sealed with the
    deployment's key, a cursor reveals nothing, cannot be forged or moved to another organization or
    list, and is stable: the same position always gives the same cursor, across processes and restarts
    (as long as its key stays in `PAIRHUB_SECRET_KEY`).
    """

    def __init__(self, sealer: Sealer) -> None:
        self._sealer = sealer

    def encode(self, kind: CursorKind, organization_id: str, position: int) -> str:
        """The cursor of `position` in `kind` of this organization."""
        return self._sealer.seal(position.to_bytes(POSITION_BYTES, "big"), _context(kind, organization_id))

    def decode(self, kind: CursorKind, organization_id: str, cursor: str | None) -> int | None:
        """The position of a cursor this API handed out, None without one; 422 `invalid_cursor` otherwise."""
        if cursor is None or cursor == "":
            return None
        opened = self._sealer.unseal(cursor, _context(kind, organization_id))
        if opened is None or len(opened) != POSITION_BYTES:
            raise Invalid("invalid_cursor", "The cursor is not one this API handed out for this list.")
        return int.from_bytes(opened, "big")

    def encode_id(self, kind: CursorKind, organization_id: str, last_id: str) -> str:
        """The cursor after the row `last_id` of a list ordered by id."""
        return self._sealer.seal(last_id.encode(), _context(kind, organization_id))

    def decode_id(self, kind: CursorKind, organization_id: str, cursor: str | None) -> str | None:
        """The last id a cursor of `encode_id` holds, None without one; 422 `invalid_cursor` otherwise."""
        if cursor is None or cursor == "":
            return None
        opened = self._sealer.unseal(cursor, _context(kind, organization_id))
        if opened is None:
            raise Invalid("invalid_cursor", "The cursor is not one this API handed out for this list.")
        try:
            return opened.decode()
        except UnicodeDecodeError:
            raise Invalid(
                "invalid_cursor", "The cursor is not one this API handed out for this list."
            ) from None

    def paginate_by_id(
        self, kind: CursorKind, organization_id: str, rows: Sequence[T], limit: int, id_of: Callable[[T], str]
    ) -> Page[T]:
        """`paginate`, with the next cursor sealed (`encode_id`)."""
        return paginate(rows, limit, lambda row: self.encode_id(kind, organization_id, id_of(row)))


def _context(kind: CursorKind, organization_id: str) -> bytes:
    return f"{kind.value}\x00{organization_id}".encode()
