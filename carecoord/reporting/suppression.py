"""Small-number suppression of count tables, with complementary suppression. Pure.

SECURITY.md "Anonymised figures": a count with 0 < n < threshold is hidden, and further counts
are hidden until no hidden count can be worked out from the published ones and the totals.

A table with its totals is a set of linear equations, one per line (each row and the totals row,
each column and the totals column). Seen as a bipartite graph (lines of rows and lines of columns
as nodes, hidden entries as edges), a hidden entry can be computed exactly from the published
figures if and only if it lies on no cycle, i.e. it is a bridge. So after the line rule (no line
with exactly one hidden entry) every remaining bridge gets a partner that closes a cycle.

Every hidden entry shows the same mark: marking only the small ones would let a reader bound the
others (a row "<5, x, total 6" gives away 1 and 5) and would call a hidden 40 "fewer than 5".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_THRESHOLD = 5
MINIMUM_THRESHOLD = 3
SUPPRESSED_MARK = "x"

# An entry of the augmented table: (row index, column index); the totals are at index len(...).
_Entry = tuple[int, int]


@dataclass(frozen=True)
class Cell:
    """One published count: its value, or None when hidden, and the text to show."""

    value: int | None
    display: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class SuppressedTable:
    """A count table after suppression; rows and columns keep the order they were given in."""

    threshold: int
    row_keys: tuple[str, ...]
    column_keys: tuple[str, ...]
    cells: Mapping[str, Mapping[str, Cell]]
    row_totals: Mapping[str, Cell]
    column_totals: Mapping[str, Cell]
    grand_total: Cell

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[row][column]


@dataclass(frozen=True)
class SuppressedSeries:
    """A one-dimensional list of counts with its total, after suppression."""

    threshold: int
    keys: tuple[str, ...]
    cells: Mapping[str, Cell]
    total: Cell


def check_threshold(threshold: int) -> int:
    """The threshold itself, or ValueError when it is not a whole number of at least 3."""
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise ValueError("the suppression threshold must be a whole number")
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"the suppression threshold must be at least {MINIMUM_THRESHOLD}")
    return threshold


def _check_count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError("counts must be whole numbers")
    if count < 0:
        raise ValueError("counts cannot be negative")
    return count


def _published(value: int, hidden: bool) -> Cell:
    return Cell(None, SUPPRESSED_MARK) if hidden else Cell(value, str(value))


def _is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def _partner(
    candidates: Iterable[_Entry], values: Mapping[_Entry, int], totals: set[_Entry]
) -> _Entry | None:
    """The entry to hide next: the smallest non-zero one, inner cells before totals."""
    ranked = sorted(
        (e for e in candidates if values[e] > 0),
        key=lambda e: (values[e], e in totals, e),
    )
    return ranked[0] if ranked else None


def _close_lines(
    lines: Sequence[Sequence[_Entry]],
    values: Mapping[_Entry, int],
    totals: set[_Entry],
    hidden: set[_Entry],
) -> None:
    """Hide partners until no line has exactly one hidden entry."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(e in hidden for e in line) != 1:
                continue
            # A line is an equation: a lone hidden entry with value > 0 always has a non-zero
            # neighbour (the total, or a cell of the total), so a partner exists.
            partner = _partner((e for e in line if e not in hidden), values, totals)
            if partner is not None:
                hidden.add(partner)
                changed = True


def _reachable(start: str, edges: Iterable[tuple[str, str]]) -> set[str]:
    """The nodes reachable from `start` over `edges`."""
    neighbours: dict[str, set[str]] = {}
    for a, b in edges:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for other in neighbours.get(node, ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _node_edges(hidden: Iterable[_Entry]) -> list[tuple[str, str]]:
    return [(f"r{r}", f"c{c}") for r, c in hidden]


def _bridge_partner(
    values: Mapping[_Entry, int], totals: set[_Entry], hidden: set[_Entry]
) -> _Entry | None:
    """For the first hidden entry that lies on no cycle, the entry that puts it on one."""
    for entry in sorted(hidden):
        rest = _node_edges(hidden - {entry})
        side = _reachable(f"r{entry[0]}", rest)
        if f"c{entry[1]}" in side:
            continue
        # Any entry joining the row's side to the column's side closes a cycle through `entry`.
        crossing = [
            e for e in values if e not in hidden and ((f"r{e[0]}" in side) != (f"c{e[1]}" in side))
        ]
        partner = _partner(crossing, values, totals)
        if partner is None:
            # Only zeros join the two sides; hiding a zero still leaves the entry undetermined.
            partner = min(crossing, key=lambda e: (e in totals, e))
        return partner
    return None


def suppress_table(
    rows: Mapping[str, Mapping[str, int]], threshold: int = DEFAULT_THRESHOLD
) -> SuppressedTable:
    """Hide small counts of a two-way table and whatever would let a reader compute them.

    Every row must have the same column keys (fixed dimensions); the order of the first row is
    kept. Totals are computed here, and hidden like cells when small or when they would give a
    hidden cell away.
    """
    check_threshold(threshold)
    row_keys = tuple(rows)
    column_keys = tuple(rows[row_keys[0]]) if row_keys else ()
    for key in row_keys:
        if set(rows[key]) != set(column_keys):
            raise ValueError("every row of a table must have the same columns")
    n_rows, n_columns = len(row_keys), len(column_keys)

    values: dict[_Entry, int] = {}
    for r, row in enumerate(row_keys):
        for c, column in enumerate(column_keys):
            values[(r, c)] = _check_count(rows[row][column])
    for r in range(n_rows):
        values[(r, n_columns)] = sum(values[(r, c)] for c in range(n_columns))
    for c in range(n_columns + 1):
        values[(n_rows, c)] = sum(values[(r, c)] for r in range(n_rows))
    totals = {e for e in values if e[0] == n_rows or e[1] == n_columns}

    lines = [[(r, c) for c in range(n_columns + 1)] for r in range(n_rows + 1)]
    lines += [[(r, c) for r in range(n_rows + 1)] for c in range(n_columns + 1)]
    hidden = {e for e, value in values.items() if _is_small(value, threshold)}
    while True:
        _close_lines(lines, values, totals, hidden)
        partner = _bridge_partner(values, totals, hidden)
        if partner is None:
            break
        hidden.add(partner)

    def published(entry: _Entry) -> Cell:
        return _published(values[entry], entry in hidden)

    return SuppressedTable(
        threshold=threshold,
        row_keys=row_keys,
        column_keys=column_keys,
        cells={
            row: {column: published((r, c)) for c, column in enumerate(column_keys)}
            for r, row in enumerate(row_keys)
        },
        row_totals={row: published((r, n_columns)) for r, row in enumerate(row_keys)},
        column_totals={column: published((n_rows, c)) for c, column in enumerate(column_keys)},
        grand_total=published((n_rows, n_columns)),
    )


def suppress_series(
    counts: Mapping[str, int], threshold: int = DEFAULT_THRESHOLD
) -> SuppressedSeries:
    """Hide small counts of a list and, where one would follow from the total, a second one."""
    check_threshold(threshold)
    keys = tuple(counts)
    values: dict[_Entry, int] = {(0, i): _check_count(counts[key]) for i, key in enumerate(keys)}
    total_entry = (0, len(keys))
    values[total_entry] = sum(values.values())
    hidden = {e for e, value in values.items() if _is_small(value, threshold)}
    # One equation (the cells add up to the total): two hidden entries make every one unknown.
    _close_lines([sorted(values)], values, {total_entry}, hidden)
    return SuppressedSeries(
        threshold=threshold,
        keys=keys,
        cells={key: _published(values[(0, i)], (0, i) in hidden) for i, key in enumerate(keys)},
        total=_published(values[total_entry], total_entry in hidden),
    )
