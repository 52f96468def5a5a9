"""Opaque cursors: one encoder and decoder, bound to an organization and a list, stable, unforgeable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairhub.adapters.secret_box import SecretBox, new_key
from pairhub.domain.errors import Invalid
from pairhub.services.pagination import CursorKind, Cursors

ORG, OTHER = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"
CURSORS = Cursors(SecretBox.from_setting(new_key()))


@given(st.integers(min_value=0, max_value=2**63 - 1), st.sampled_from(list(CursorKind)))
def test_a_cursor_gives_back_its_position_and_reveals_no_digits_of_it(
    position: int, kind: CursorKind
) -> None:
    cursor = CURSORS.encode(kind, ORG, position)

    assert CURSORS.decode(kind, ORG, cursor) == position
    assert cursor == CURSORS.encode(kind, ORG, position)
    assert len(cursor) == 32
    # Two or three digits turn up in 32 random characters by chance (about 1 in 140 for two).
    assert str(position) not in cursor or position < 1_000


def test_neighbouring_positions_share_nothing_visible() -> None:
    first, second = CURSORS.encode(CursorKind.EVENTS, ORG, 41), CURSORS.encode(CursorKind.EVENTS, ORG, 42)

    assert sum(a == b for a, b in zip(first, second, strict=True)) < 8


def test_a_cursor_opens_only_for_its_organization_and_list() -> None:
    cursor = CURSORS.encode(CursorKind.EVENTS, ORG, 7)

    for kind, organization in ((CursorKind.EVENTS, OTHER), (CursorKind.PAIRINGS, ORG)):
        with pytest.raises(Invalid) as refused:
            CURSORS.decode(kind, organization, cursor)
        assert refused.value.code == "invalid_cursor"


def test_cursors_survive_a_key_rotation_while_the_old_key_is_listed() -> None:
    old, new = new_key(), new_key()
    before = Cursors(SecretBox.from_setting(old)).encode(CursorKind.EVENTS, ORG, 99)

    assert Cursors(SecretBox.from_setting(f"{new},{old}")).decode(CursorKind.EVENTS, ORG, before) == 99
    with pytest.raises(Invalid):
        Cursors(SecretBox.from_setting(new)).decode(CursorKind.EVENTS, ORG, before)


def test_no_cursor_is_the_start() -> None:
    assert CURSORS.decode(CursorKind.EVENTS, ORG, None) is None
    assert CURSORS.decode(CursorKind.EVENTS, ORG, "") is None


@given(st.text(max_size=200))
def test_any_text_is_a_position_or_the_refusal(text: str) -> None:
    try:
        position = CURSORS.decode(CursorKind.EVENTS, ORG, text)
    except Invalid as refused:
        assert refused.code == "invalid_cursor"
    else:
        assert position is None or position >= 0


@given(st.binary(min_size=16, max_size=40))
def test_any_well_formed_base64_is_refused_unless_sealed_here(raw: bytes) -> None:
    import base64

    text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    with pytest.raises(Invalid):
        CURSORS.decode(CursorKind.EVENTS, ORG, text)
