"""MQTT partitions of the units (`k/n`): whether the live subscribing processes take each unit exactly once.

A process at `k/n` takes the units whose hash h (crc32 of the unit id) has h mod n = k - 1: partition
`k/n` is a residue class. Two classes meet when some h is in both (k - 1 ≡ k' - 1 mod gcd(n, n'), by
the Chinese remainder theorem); they cover every unit when no residue modulo the least common multiple
of their counts is left out. Processes on different topic filters take different messages and are
judged apart; `$share` subscribers are left out, as the broker, not the partition, splits their
messages among the group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd, lcm
from zlib import crc32

GAPS_NAMED = 8
"""At most this many partitions taken by no process are named (the verdict does not depend on it)."""

SEARCH_BUDGET = 10_000
"""Classes examined while looking for a gap. Only counts whose least common multiple is larger (mixed
counts such as 1/97 beside 1/89) exhaust it; past it a gap is known only when the partitions' shares of
the units add up to less than all of them."""


@dataclass(frozen=True, order=True)
class Partition:
    """The units whose hash modulo `count` is `number - 1`, written `number/count`."""

    number: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= self.count:
            raise ValueError(f"not a partition: {self.number}/{self.count}")

    @classmethod
    def parse(cls, text: str) -> Partition:
        """`k/n` as a partition; ValueError when it is not one."""
        number, count = text.split("/")
        return cls(int(number), int(count))

    def __str__(self) -> str:
        return f"{self.number}/{self.count}"

    def takes(self, unit_id: str) -> bool:
        """Whether the unit is in this partition: a stable hash, the same in every process."""
        return self.count == 1 or crc32(unit_id.encode()) % self.count == self.number - 1

    def meets(self, other: Partition) -> bool:
        """Whether some unit is in both."""
        return (self.number - other.number) % gcd(self.count, other.count) == 0

    def holds(self, other: Partition) -> bool:
        """Whether every unit of `other` is in this one."""
        return other.count % self.count == 0 and (other.number - self.number) % self.count == 0


WHOLE = Partition(1, 1)
"""Every unit: the partition of a process that is the only subscriber (the default)."""


@dataclass(frozen=True)
class Coverage:
    """How a set of partitions takes the units: the pairs that meet, and what no partition takes."""

    partitions: tuple[Partition, ...]
    overlaps: tuple[tuple[Partition, Partition], ...] = ()
    """Pairs of live partitions that share units (their messages are taken twice); the same partition
    twice when two processes have it."""
    incomplete: bool = False
    """Some units are taken by no partition."""
    gaps: tuple[Partition, ...] = field(default=())
    """Partitions (of the least common multiple of the counts) taken by no process, up to GAPS_NAMED."""

    @property
    def sound(self) -> bool:
        """Every unit is taken, and by one partition only."""
        return not self.overlaps and not self.incomplete


def coverage(partitions: Iterable[Partition]) -> Coverage:
    """Judge the partitions of the live subscribing processes of one topic filter (one per process)."""
    taken = tuple(sorted(partitions))
    overlaps = tuple(
        (first, second) for i, first in enumerate(taken) for second in taken[i + 1 :] if first.meets(second)
    )
    distinct = sorted(set(taken), key=lambda partition: (partition.count, partition.number))
    gaps, exhausted = _gaps(distinct)
    incomplete = bool(gaps) or (exhausted and sum(Fraction(1, p.count) for p in distinct) < 1)
    return Coverage(taken, overlaps, incomplete, tuple(sorted(gaps, key=lambda p: (p.count, p.number))))


def _gaps(partitions: list[Partition]) -> tuple[list[Partition], bool]:
    """Classes no partition takes (up to GAPS_NAMED), and whether the search ran out of budget first.

    A class that a partition meets without holding is split by that partition's count: each part is
    then held by it or apart from it, so a partition splits a line of descent at most once.
    """
    found: list[Partition] = []
    pending = [WHOLE]
    examined = 0
    while pending and len(found) < GAPS_NAMED:
        examined += 1
        if examined > SEARCH_BUDGET:
            return found, True
        part = pending.pop()
        if any(partition.holds(part) for partition in partitions):
            continue
        meeting = [partition for partition in partitions if partition.meets(part)]
        if not meeting:
            found.append(part)
            continue
        modulus = lcm(part.count, meeting[0].count)
        for step in reversed(range(modulus // part.count)):
            pending.append(Partition((part.number - 1 + step * part.count) % modulus + 1, modulus))
    return found, False


def overlap_text(found: Coverage) -> str:
    """The overlapping pairs in words: `1/1 and 1/2, 1/2 and 1/2`."""
    return ", ".join(f"{first} and {second}" for first, second in found.overlaps)


def gap_text(found: Coverage) -> str:
    """What no partition takes in words: `2/2 taken by no process`."""
    if not found.gaps:
        return "some units taken by no process"
    return ", ".join(str(gap) for gap in found.gaps) + " taken by no process"


@dataclass(frozen=True)
class Subscriber:
    """A live subscribing process as far as partitions go: its topic filter and its partition."""

    topic_filter: str
    partition: Partition


def by_topic_filter(subscribers: Iterable[Subscriber]) -> dict[str, Coverage]:
    """The coverage of each topic filter that live processes subscribe to (`$share` ones left out)."""
    groups: dict[str, list[Partition]] = {}
    for subscriber in subscribers:
        if not subscriber.topic_filter.startswith("$share/"):
            groups.setdefault(subscriber.topic_filter, []).append(subscriber.partition)
    return {topic_filter: coverage(partitions) for topic_filter, partitions in sorted(groups.items())}


def problems(coverages: dict[str, Coverage]) -> list[str]:
    """Each overlap and each gap in words, with its topic filter; none when every filter is sound."""
    found: list[str] = []
    for topic_filter, judged in coverages.items():
        if judged.overlaps:
            found.append(f"partitions overlap on {topic_filter}: {overlap_text(judged)}")
        if judged.incomplete:
            found.append(f"partitions incomplete on {topic_filter}: {gap_text(judged)}")
    return found
