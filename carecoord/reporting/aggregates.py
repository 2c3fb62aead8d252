"""Fixed periods, fixed dimensions and medians for the anonymised figures. Pure.

Only whole quarters and whole years exist, and every count covers every code of its dimension,
so two published figures never differ by a handful of people (SECURITY.md "Anonymised figures").
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

UNKNOWN = "unknown"

_PERIOD = re.compile(r"([1-9][0-9]{3})(?:-Q([1-4]))?", re.ASCII)
_QUARTER_START_MONTH = {1: 1, 2: 4, 3: 7, 4: 10}
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar year (`2026`) or quarter (`2026-Q3`); nothing in between."""

    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise ValueError("a period's year must be a whole number")
        if not 1000 <= self.year <= 9999:
            raise ValueError("a period's year must have four digits")
        if self.quarter is not None and self.quarter not in _QUARTER_END:
            raise ValueError("a quarter is 1, 2, 3 or 4")

    @classmethod
    def parse(cls, text: str) -> Period:
        """`YYYY` or `YYYY-Qn`, exactly; anything else is a ValueError."""
        match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValueError("a period is written YYYY or YYYY-Qn, e.g. 2026 or 2026-Q3")
        year, quarter = match.groups()
        return cls(int(year), int(quarter) if quarter else None)

    @property
    def start(self) -> date:
        """The first day of the period."""
        return date(self.year, _QUARTER_START_MONTH[self.quarter] if self.quarter else 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        month, day = _QUARTER_END[self.quarter or 4]
        return date(self.year, month, day)

    def contains(self, day: date) -> bool:
        # A datetime's date depends on its time zone: the caller decides which day it is.
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError("a period contains dates, not datetimes or other values")
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)


def median_days(values: Iterable[int], *, minimum: int = 1) -> int | None:
    """The median number of days, rounded half up to a whole day; None for fewer than `minimum`.

    Pass the suppression threshold as `minimum`: a median over a few trajectories says too much
    about each of them (issue 4).
    """
    days = list(values)
    if any(isinstance(d, bool) or not isinstance(d, int) for d in days):
        raise ValueError("days must be whole numbers")
    if not days or len(days) < minimum:
        return None
    return math.floor(statistics.median(days) + 0.5)


def median_of_counts(counts: Mapping[int, int], *, minimum: int = 1) -> int | None:
    """`median_days` of a list holding each number of days `counts[days]` times, without
    making the list (the rollups keep how many trajectories took each number of days)."""
    if any(isinstance(d, bool) or not isinstance(d, int) for d in counts):
        raise ValueError("days must be whole numbers")
    if any(n < 0 for n in counts.values()):
        raise ValueError("a count is never negative")
    total = sum(counts.values())
    if not total or total < minimum:
        return None
    # The values at the two middle positions (the same one when `total` is odd).
    low, high, seen = None, None, 0
    for days in sorted(d for d, n in counts.items() if n):
        seen += counts[days]
        if low is None and seen > (total - 1) // 2:
            low = days
        if seen > total // 2:
            high = days
            break
    return math.floor(statistics.mean([low, high]) + 0.5)


def categories(dimension: type[StrEnum] | Iterable[str]) -> list[str]:
    """The fixed codes of a dimension, with `unknown` last when the dimension has none."""
    codes = [str(code) for code in dimension]
    if len(set(codes)) != len(codes):
        raise ValueError("a dimension lists each code once")
    return codes if UNKNOWN in codes else [*codes, UNKNOWN]


def count_by(
    items: Iterable[T],
    key: Callable[[T], str | Iterable[str] | None],
    dimension: type[StrEnum] | Iterable[str],
) -> dict[str, int]:
    """How many items fall under each code of `dimension`, every code present (zero if none).

    `key` gives an item's code, None when it has none, or several codes (e.g. the forms of
    exploitation of a trajectory), each counted once. A missing code or one outside the
    dimension is counted under `unknown`.
    """
    fixed = categories(dimension)
    known = set(fixed)
    counts: Counter[str] = Counter()
    for item in items:
        found = key(item)
        given = {found} if found is None or isinstance(found, str) else set(found)
        counts.update({str(code) if code in known else UNKNOWN for code in given} or {UNKNOWN})
    return {code: counts[code] for code in fixed}
