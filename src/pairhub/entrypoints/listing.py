"""Answers in proportion to requests: a list of refusals shows the first `MAX_LISTED` and counts the rest.

One rule for every such list: the errors of a refused request (`errors` and `moreErrors`), the refused
items of a batch (`POST …/assets/bulk`, `POST /v1/unit-messages`) and the refused lines `pairhub
import-assets` prints. A request that is wrong everywhere costs an answer of a few kilobytes, not one
that grows with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

MAX_LISTED = 20
"""Refusals listed in one answer."""


def capped(items: Sequence[T]) -> tuple[list[T], int]:
    """The first MAX_LISTED of `items`, and how many more there are (0 when all are listed)."""
    return list(items[:MAX_LISTED]), max(len(items) - MAX_LISTED, 0)
