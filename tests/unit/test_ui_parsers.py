"""The UI's list and "as of" parameters: any text is a value or a refusal, never an exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pairhub.domain.overview import AssetOrder, UnitOrder
from pairhub.entrypoints.parsing import choice, local_instant
from pairhub.entrypoints.ui.formats import prose

NOON_UTC = 1_747_137_600_000  # 2025-05-13T12:00:00Z


def test_a_browser_local_time_with_its_offset_is_one_instant() -> None:
    assert local_instant("2025-05-13T12:00", "") == NOON_UTC
    assert local_instant("2025-05-13T14:00", "-120") == NOON_UTC  # UTC+2: getTimezoneOffset() is -120
    assert local_instant("2025-05-13T17:30:00", "-330") == NOON_UTC
    assert local_instant("2025-05-13T07:00", "300") == NOON_UTC


def test_anything_else_is_refused() -> None:
    for text, offset in [
        ("2025-05-13", ""),
        ("2025-05-13 12:00", ""),
        ("2025-05-13T12:00Z", ""),
        ("2025-02-30T12:00", ""),
        ("\uff12\uff10\uff12\uff15-05-13T12:00", ""),  # full-width digits
        ("2025-05-13T12:00", "1000"),
        ("2025-05-13T12:00", "+60"),
        ("2025-05-13T12:00", "²"),
        ("", "0"),
    ]:
        assert local_instant(text, offset) is None, (text, offset)


@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=10)))
def test_any_as_of_text_is_an_instant_or_a_refusal(text: str, offset: str | None) -> None:
    found = local_instant(text, offset)
    assert found is None or isinstance(found, int)


@given(st.text(max_size=20))
def test_any_sort_text_is_an_order_or_nothing(text: str) -> None:
    assert choice(text, UnitOrder) in (None, *UnitOrder)
    assert choice(text, AssetOrder) in (None, *AssetOrder)


def test_a_message_reads_as_prose_with_names_as_code_and_markup_escaped() -> None:
    assert prose("eventVersion 2 offers unit.paired; `unit.unpaired` is not one of them.") == (
        "eventVersion 2 offers unit.paired; <code>unit.unpaired</code> is not one of them."
    )
    assert prose("`<b>` and an odd ` tick") == "`&lt;b&gt;` and an odd ` tick"
    assert prose(None) == ""
