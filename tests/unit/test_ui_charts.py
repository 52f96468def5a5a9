"""The overview's charts: one bar per bucket, scaled to the busiest, the current bucket labelled, titled."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pairhub.domain.overview import (
    HOUR_MS,
    DeliveryBucket,
    Range,
    add_attempts,
    every_bucket,
    every_pairing_bucket,
    nearest_rank,
    window_ending_at,
)
from pairhub.entrypoints.ui import charts

SVG = "{http://www.w3.org/2000/svg}"
NOW = 485_000 * HOUR_MS + 25 * 60_000  # 2025-04-30T08:25Z


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup).replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def test_the_day_is_24_clock_hours_ending_with_the_current_one() -> None:
    window = window_ending_at(NOW)

    assert len(window.starts) == 24
    assert window.starts[-1] == window.current == 485_000 * HOUR_MS
    assert window.start == window.starts[0] == 484_977 * HOUR_MS
    assert window.end == NOW + 1


def test_a_week_is_28_six_hour_buckets_and_a_month_30_days() -> None:
    week, month = window_ending_at(NOW, Range.WEEK), window_ending_at(NOW, Range.MONTH)

    assert (week.buckets, week.bucket_ms) == (28, 6 * HOUR_MS)
    assert week.current == NOW - NOW % (6 * HOUR_MS)
    assert (month.buckets, month.bucket_ms) == (30, 24 * HOUR_MS)
    assert month.current == 485_000 * HOUR_MS - 8 * HOUR_MS  # 2025-04-30T00:00Z


def test_attempts_are_counted_by_result_and_only_successes_deliver_events() -> None:
    bucket = DeliveryBucket(0)
    for outcome in ("delivered", "retry", "onHold", "probeFailed", "failed", "disabled", "leaseLost"):
        bucket = add_attempts(bucket, outcome, 1, 5)

    assert bucket == DeliveryBucket(
        0, events_delivered=5, attempts_succeeded=1, attempts_retried=3, attempts_refused=2, attempts=7
    )


def test_one_bar_per_bucket_stacked_by_result_and_scaled_to_the_busiest() -> None:
    window = window_ending_at(NOW)
    busy, half = window.start + 3 * HOUR_MS, window.start + 10 * HOUR_MS
    buckets = every_bucket(
        window,
        {
            busy: DeliveryBucket(busy, 30, attempts_succeeded=30, attempts_retried=6, attempts_refused=4),
            half: DeliveryBucket(half, 20, attempts_succeeded=20),
        },
    )

    svg = _parse(charts.delivery_chart(window, buckets, "c1"))

    groups = svg.findall(f"{SVG}g")
    assert len(groups) == 24
    assert [int(group.get("data-start", "")) for group in groups] == list(window.starts)
    plot = charts.HEIGHT - charts.TOP - charts.BOTTOM

    def heights(index: int) -> tuple[float, float, float]:
        rects = {
            rect.get("class"): float(rect.get("height", "")) for rect in groups[index].findall(f"{SVG}rect")
        }
        return rects["succeeded"], rects["retried"], rects["refused"]

    # The busiest bucket (40 attempts) fills the plot; 20 fill half of it; quiet buckets draw nothing.
    assert heights(3) == (plot * 30 / 40, plot * 6 / 40, plot * 4 / 40)
    assert heights(10) == (plot / 2, 0.0, 0.0)
    assert heights(0) == (0.0, 0.0, 0.0)
    assert [text.text for text in svg.findall(f"{SVG}text[@class='scale']")] == ["0", "40"]


def test_titles_speak_the_vocabulary_and_the_current_bucket_is_labelled_now() -> None:
    window = window_ending_at(NOW)
    first = window.start
    buckets = every_bucket(window, {first: DeliveryBucket(first, 1, 1, 2, 0, 3)})

    svg = _parse(charts.delivery_chart(window, buckets, "c7"))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c7-title c7-desc"
    assert svg.findtext(f"{SVG}title") == "Delivery attempts"
    assert svg.findtext(f"{SVG}desc") == (
        "Delivery attempts: 1 attempts succeeded, 2 retried, 0 refused; the busiest bar holds 3 attempts."
    )
    group = svg.find(f"{SVG}g")
    assert group is not None
    assert group.findtext(f"{SVG}title") == (
        "2025-04-29 09:00 to 2025-04-29 10:00 UTC: "
        "1 event delivered; attempts: 1 succeeded, 2 retried, 0 refused"
    )
    labels = svg.findall(f"{SVG}text")
    timed = [text for text in labels if "time-label" in (text.get("class") or "")]
    assert timed[-1].text == "now"
    assert timed[-1].get("class") == "time-label current"
    # The others carry their instant, for the browser to write in the viewer's zone.
    assert [text.get("data-at") for text in timed[:-1]] == [
        str(window.starts[i]) for i in (0, 4, 8, 12, 16, 20)
    ]
    assert "failed" not in str(charts.delivery_chart(window, buckets, "c7"))


def test_pairing_activity_is_stacked_by_outcome() -> None:
    window = window_ending_at(NOW, Range.MONTH)
    found = {window.current: {"AutoPair": 3, "NotFound": 1, "Unpaired": 2}}

    svg = _parse(charts.pairing_chart(window, every_pairing_bucket(window, found), "p"))

    groups = svg.findall(f"{SVG}g")
    assert len(groups) == 30
    assert (
        groups[-1]
        .findtext(f"{SVG}title", "")
        .endswith(": 3 paired automatically, 2 unpaired, 1 VIN not found")
    )
    assert "AutoPair" not in (svg.findtext(f"{SVG}desc") or "")


def test_a_quiet_day_draws_empty_bars_without_dividing_by_zero() -> None:
    window = window_ending_at(NOW)
    svg = _parse(charts.delivery_chart(window, every_bucket(window, {}), "quiet"))

    assert len(svg.findall(f"{SVG}g")) == 24
    assert [text.text for text in svg.findall(f"{SVG}text[@class='scale']")] == ["0"]  # no "0" atop "0"
    assert {rect.get("height") for rect in svg.iter(f"{SVG}rect") if rect.get("class") != "target"} == {
        "0.00"
    }


def test_nearest_rank_positions() -> None:
    assert [nearest_rank(1, 50), nearest_rank(1, 95)] == [0, 0]
    assert [nearest_rank(5, 50), nearest_rank(5, 95)] == [2, 4]
    assert [nearest_rank(100, 50), nearest_rank(100, 95)] == [49, 94]
    assert [nearest_rank(20, 95), nearest_rank(21, 95)] == [18, 19]
