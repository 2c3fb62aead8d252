"""Small-number suppression: what a reader of the published figures can and cannot work out."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecoord.reporting.suppression import (
    SUPPRESSED_MARK,
    Cell,
    SuppressedSeries,
    SuppressedTable,
    suppress_series,
    suppress_table,
)

# An entry of the table with its totals: (row, column); the totals sit at index len(keys).
Entry = tuple[int, int]


def grid(table: SuppressedTable) -> dict[Entry, Cell]:
    """The published table with its totals as one grid, as a reader sees it."""
    rows, columns = table.row_keys, table.column_keys
    published = {
        (r, c): table.cell(row, column)
        for r, row in enumerate(rows)
        for c, column in enumerate(columns)
    }
    published |= {(r, len(columns)): table.row_totals[row] for r, row in enumerate(rows)}
    published |= {(len(rows), c): table.column_totals[col] for c, col in enumerate(columns)}
    published[(len(rows), len(columns))] = table.grand_total
    return published


def lines(n_rows: int, n_columns: int) -> list[list[Entry]]:
    """Every equation of the table as (cells..., total): each row and column, totals included."""
    found = [[(r, c) for c in range(n_columns + 1)] for r in range(n_rows + 1)]
    return found + [[(r, c) for r in range(n_rows + 1)] for c in range(n_columns + 1)]


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    found = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][column]:
                factor = rows[i][column] / rows[found][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def recoverable(published: dict[Entry, Cell], equations: list[list[Entry]]) -> list[Entry]:
    """The hidden entries that linear algebra on the published figures determines exactly.

    Each equation says its last entry (the total) is the sum of the others. A hidden entry is
    determined when its unit vector lies in the span of the equations over the hidden entries.
    """
    hidden = sorted(e for e, cell in published.items() if cell.suppressed)
    matrix = [
        [Fraction(-1 if e == line[-1] else 1 if e in line else 0) for e in hidden]
        for line in equations
    ]
    matrix = [row for row in matrix if any(row)]
    base = rank(matrix)
    return [
        entry
        for i, entry in enumerate(hidden)
        if rank([*matrix, [Fraction(int(j == i)) for j in range(len(hidden))]]) == base
    ]


def total_minus_visible(published: dict[Entry, Cell], equations: list[list[Entry]]) -> list:
    """The naive attack: a line with one hidden entry and everything else shown."""
    return [line for line in equations if sum(published[e].suppressed for e in line) == 1]


def assert_protected(table: SuppressedTable, rows: dict[str, dict[str, int]]) -> None:
    published = grid(table)
    equations = lines(len(table.row_keys), len(table.column_keys))
    assert total_minus_visible(published, equations) == []
    assert recoverable(published, equations) == []
    for r, row in enumerate(table.row_keys):
        for c, column in enumerate(table.column_keys):
            value = rows[row][column]
            cell = published[(r, c)]
            if 0 < value < table.threshold:
                assert cell == Cell(None, SUPPRESSED_MARK)
            elif not cell.suppressed:
                assert cell == Cell(value, str(value))


@pytest.mark.parametrize("threshold", [2, 1, 0, -5, True, 2.5, "5"])
def test_a_threshold_below_three_or_not_a_whole_number_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold"):
        suppress_table({"a": {"x": 10}}, threshold=threshold)
    with pytest.raises(ValueError, match="threshold"):
        suppress_series({"x": 10}, threshold=threshold)


@pytest.mark.parametrize("count", [-1, 2.0, "3", None, True])
def test_a_count_that_is_not_a_whole_number_of_zero_or_more_is_refused(count):
    with pytest.raises(ValueError, match="count"):
        suppress_table({"a": {"x": count, "y": 10}})
    with pytest.raises(ValueError, match="count"):
        suppress_series({"x": count, "y": 10})


def test_rows_with_different_columns_are_refused():
    with pytest.raises(ValueError, match="same columns"):
        suppress_table({"a": {"x": 10, "y": 10}, "b": {"x": 10}})


def test_zero_is_shown_and_one_to_four_are_hidden_with_threshold_five():
    series = suppress_series({"none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5})
    shown = {key: cell.display for key, cell in series.cells.items()}
    assert shown == {"none": "0", "one": "x", "two": "x", "three": "x", "four": "x", "five": "5"}
    assert series.cells["none"] == Cell(0, "0")
    assert series.cells["five"] == Cell(5, "5") and not series.cells["five"].suppressed
    assert series.total == Cell(15, "15")


def test_the_threshold_is_configurable():
    figures = {"a": 2, "b": 1, "c": 3, "d": 4, "e": 9}
    assert [c.value for c in suppress_series(figures, threshold=3).cells.values()] == [
        None,
        None,
        3,
        4,
        9,
    ]
    assert [c.value for c in suppress_series(figures).cells.values()] == [None] * 4 + [9]
    assert suppress_series(figures, threshold=10).total == Cell(19, "19")
    assert suppress_series({"a": 6, "b": 20}, threshold=7).cells["b"].suppressed


def test_a_single_small_count_in_a_list_gets_the_smallest_non_zero_partner():
    series = suppress_series({"a": 3, "b": 0, "c": 12, "d": 7, "e": 40})
    assert [series.cells[k].display for k in "abcde"] == ["x", "0", "12", "x", "40"]
    assert series.total == Cell(62, "62")
    assert isinstance(series, SuppressedSeries) and series.keys == ("a", "b", "c", "d", "e")


def test_a_small_list_total_is_hidden_like_a_cell():
    series = suppress_series({"a": 2, "b": 0, "c": 1})
    assert series.total == Cell(None, SUPPRESSED_MARK)
    assert [series.cells[k].suppressed for k in "abc"] == [True, False, True]


def test_a_list_whose_only_small_count_is_the_rest_of_its_total_hides_the_total():
    # 3 = 3 - 0: the one other candidate is the total itself.
    series = suppress_series({"a": 3, "b": 0})
    assert series.cells["a"].suppressed and series.total.suppressed
    assert series.cells["b"] == Cell(0, "0")


def test_a_single_small_cell_in_a_row_gets_a_partner_and_the_total_does_not_give_it_away():
    rows = {
        "women": {"sexual": 3, "labour": 9, "criminal": 6},
        "men": {"sexual": 8, "labour": 12, "criminal": 10},
    }
    table = suppress_table(rows)
    assert table.cell("women", "sexual") == Cell(None, SUPPRESSED_MARK)
    # The smallest other count of the row (6), then in each column a partner in the other row.
    assert table.cell("women", "criminal").suppressed
    assert table.cell("men", "sexual").suppressed and table.cell("men", "criminal").suppressed
    assert table.cell("women", "labour") == Cell(9, "9")
    assert table.row_totals["women"] == Cell(18, "18")
    assert table.column_totals["sexual"] == Cell(11, "11")
    assert table.grand_total == Cell(48, "48")
    assert_protected(table, rows)


def test_a_small_total_is_hidden_and_its_line_gets_a_partner():
    rows = {"a": {"x": 2, "y": 0}, "b": {"x": 10, "y": 20}}
    table = suppress_table(rows)
    assert table.row_totals["a"].suppressed
    assert table.cell("b", "x").suppressed and table.row_totals["b"].suppressed
    assert table.cell("a", "y") == Cell(0, "0") and table.cell("b", "y") == Cell(20, "20")
    assert_protected(table, rows)


def test_a_hidden_cell_that_the_line_rule_leaves_computable_gets_a_further_partner():
    # With only "no line with one hidden entry" the lone 1 of row b could be worked out:
    # row c says its 1 and 2 make 3; column totals say the hidden ones make 4; so b/z = 1.
    rows = {
        "a": {"x": 1, "y": 0, "z": 0},
        "b": {"x": 1, "y": 0, "z": 1},
        "c": {"x": 7, "y": 1, "z": 2},
    }
    table = suppress_table(rows)
    assert table.cell("c", "x").suppressed
    assert_protected(table, rows)


def test_a_table_without_small_counts_is_published_whole():
    rows = {"a": {"x": 5, "y": 0}, "b": {"x": 11, "y": 30}}
    table = suppress_table(rows)
    assert all(not cell.suppressed for cell in grid(table).values())
    assert table.row_keys == ("a", "b") and table.column_keys == ("x", "y")
    assert table.threshold == 5


def test_an_empty_table_has_a_total_of_zero():
    table = suppress_table({})
    assert table.grand_total == Cell(0, "0") and table.cells == {}


counts = st.one_of(st.just(0), st.integers(1, 6), st.integers(7, 40))


@st.composite
def tables(draw):
    columns = [f"c{i}" for i in range(draw(st.integers(1, 4)))]
    n_rows = draw(st.integers(1, 4))
    return {f"r{i}": {c: draw(counts) for c in columns} for i in range(n_rows)}


@settings(max_examples=300, deadline=None)
@given(rows=tables(), threshold=st.integers(3, 7))
def test_no_hidden_cell_or_total_can_be_computed_from_what_is_published(rows, threshold):
    assert_protected(suppress_table(rows, threshold=threshold), rows)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(counts, max_size=8), threshold=st.integers(3, 7))
def test_no_hidden_count_in_a_list_can_be_computed_from_its_total(values, threshold):
    series = suppress_series({f"k{i}": v for i, v in enumerate(values)}, threshold=threshold)
    published = {(0, i): series.cells[f"k{i}"] for i in range(len(values))}
    published[(0, len(values))] = series.total
    equation = [sorted(published)]
    assert total_minus_visible(published, equation) == []
    assert recoverable(published, equation) == []
    for i, value in enumerate(values):
        cell = series.cells[f"k{i}"]
        assert cell.suppressed if 0 < value < threshold else cell.value in (value, None)
