"""The streaming writer of the CoMensha files: the same bytes as csv_text and json_text. Pure."""

import io
import random

import pytest

from carecoord.reporting.comensha import COLUMNS, StreamWriter, csv_text, json_text

# Quotes, separators, line ends, control and non-ASCII characters, spreadsheet triggers, "%".
ALPHABET = "ab,;\"'\\/\n\r\t\x00\x1f=+-@%s é😀\u2028"


def sink(_data: bytes) -> None:
    pass


def random_rows(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [
        {c: "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(6))) for c in COLUMNS}
        for _ in range(n)
    ]


def streamed(rows, *, period="2026-Q3", region="Gooi en Vechtstreek", block_rows=3, count=None):
    csv_out, json_out = io.BytesIO(), io.BytesIO()
    writer = StreamWriter(
        csv_out.write,
        json_out.write,
        period=period,
        region=region,
        row_count=len(rows) if count is None else count,
        block_rows=block_rows,
    )
    ordered = sorted(rows, key=lambda r: (r["person_pseudonym"], r["trajectory_pseudonym"]))
    for row in ordered:
        writer.add(tuple(row[c] for c in COLUMNS))
    writer.finish()
    return csv_out.getvalue(), json_out.getvalue()


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 7, 50])
@pytest.mark.parametrize("block_rows", [1, 3, 256])
def test_the_streamed_files_are_byte_for_byte_the_whole_file_ones(n, block_rows):
    rows = random_rows(n, seed=n * 31 + block_rows)
    region = 'Gooi "en" Vechtstreek €'
    csv_bytes, json_bytes = streamed(rows, region=region, block_rows=block_rows)
    assert csv_bytes == csv_text(rows).encode("utf-8")
    assert json_bytes == json_text(rows, period="2026-Q3", region=region).encode("utf-8")


def test_rows_out_of_pseudonym_order_are_refused():
    rows = [dict.fromkeys(COLUMNS, "b"), dict.fromkeys(COLUMNS, "a")]
    writer = StreamWriter(sink, sink, period="2026", region="R", row_count=2)
    for row in rows:
        writer.add(tuple(row.values()))
    with pytest.raises(ValueError, match="order"):
        writer.finish()


@pytest.mark.parametrize("width", [len(COLUMNS) - 1, len(COLUMNS) + 1])
def test_rows_outside_the_allow_list_are_refused(width):
    writer = StreamWriter(sink, sink, period="2026", region="R", row_count=1)
    writer.add(("x",) * width)
    with pytest.raises(ValueError, match="COLUMNS"):
        writer.finish()


def test_a_row_count_other_than_announced_is_refused():
    with pytest.raises(ValueError, match="row count"):
        streamed(random_rows(2, seed=1), count=3)


def test_a_malformed_period_is_refused():
    with pytest.raises(ValueError):
        streamed([], period="2026-Q5")
