"""Whatever a receiver answers becomes a status, a delay and a readable error, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairhub.ports import SendResult
from pairhub.worker.recording import answer_of, readable

NOW = 1_747_088_400_000


@pytest.mark.parametrize("status", [0, 100, 204, 503, 999])
def test_any_three_digit_status_is_kept(status: int) -> None:
    assert answer_of(SendResult(status, "", 1), NOW) == (status, None, None)


@pytest.mark.parametrize("status", [-1, 1000, 2**40])
def test_an_impossible_status_becomes_no_status_with_a_reason(status: int) -> None:
    kept, delay, error = answer_of(SendResult(status, "", 1), NOW)

    assert (kept, delay) == (None, None)
    assert error is not None and str(status) in error


def test_an_unusable_retry_after_is_noted_beside_the_transport_error() -> None:
    _, delay, error = answer_of(SendResult(None, "", 1, "timed out", retry_after="\udcb2" * 100), NOW)

    assert delay is None
    assert error is not None and error.startswith("timed out; Retry-After ")
    assert error.encode("utf-8")  # storable: no lone surrogates left


def test_a_usable_retry_after_is_no_error() -> None:
    assert answer_of(SendResult(503, "busy", 1, retry_after="120"), NOW) == (503, 120_000, None)


@given(st.text())
def test_readable_text_is_always_storable(text: str) -> None:
    shown = readable(text)

    assert shown is not None and "\x00" not in shown
    shown.encode("utf-8")
