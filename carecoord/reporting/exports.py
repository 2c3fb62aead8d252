"""Running a CoMensha export: lock, streamed rows, files written atomically, the batch recorded."""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import func, select

from carecoord.accounts.models import Region, User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import N_
from carecoord.extensions import db
from carecoord.reporting.aggregates import Period
from carecoord.reporting.comensha import StreamWriter, to_cells
from carecoord.reporting.models import ExportBatch
from carecoord.reporting.queries import batch_for, export_facts
from carecoord.security.keys import app_keys
from carecoord.timeutil import AMSTERDAM

SAFE_REGION_CODE = re.compile(r"[A-Za-z0-9]{1,10}")
CREATED, UNCHANGED, REPLACED = "created", "unchanged", "replaced"
# Rows sorted in memory before a run is spilled, and rows per line of a spilled run: memory
# stays flat whatever the export's size (benchmarks/export.py measures it).
RUN_ROWS = 10_000
SPILL_BLOCK_ROWS = 128


class ExportRefused(Exception):
    """An export that must not run; `message` is an English msgid, `code` an audit code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


NOT_ENDED = N_("The period has not ended yet: export a period that is over.")
CHANGED = N_(
    "An export of this period exists and the data has changed since: "
    "replace it explicitly or keep the existing files."
)
BAD_REGION_CODE = N_("The region's code cannot be used in a file name.")


@dataclass
class ExportResult:
    """What one run did for one region; `written`: the files to remove if it is not committed
    (none when unchanged: those files are the recorded ones, byte for byte)."""

    region: Region
    period: str
    outcome: str
    batch: ExportBatch
    row_count: int
    left_out: int
    csv_sha256: str
    json_sha256: str
    written: list[Path] = field(default_factory=list)


def _check_code(region: Region) -> None:
    if not SAFE_REGION_CODE.fullmatch(region.code):
        raise ExportRefused("bad_region_code", BAD_REGION_CODE)


def file_names(region: Region, period: str) -> tuple[str, str]:
    _check_code(region)
    stem = f"comensha-{region.code}-{period}"
    return f"{stem}.csv", f"{stem}.json"


def lock(region: Region, period: str) -> None:
    """Serialise runs for one region and period until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on (region, period). SQLite: every
    transaction begins IMMEDIATE (carecoord.database), which already holds the write lock.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        # Any statement begins the transaction, and with it SQLite's write lock.
        db.session.execute(select(func.count()).select_from(ExportBatch))
        return
    key = zlib.crc32(f"comensha:{period}".encode())
    signed = key - (1 << 32) if key >= 1 << 31 else key
    db.session.execute(select(func.pg_advisory_xact_lock(region.id, signed)))


def run_export(
    region: Region,
    period: Period,
    *,
    out_dir: Path,
    actor: User | None,
    now: datetime,
    replace: bool = False,
) -> ExportResult:
    """Export `region` for `period` into `out_dir`, as at the period's end.

    Never commits: the caller commits, and on failure rolls back and calls `discard`.
    Streamed: rows are read in chunks, sorted in bounded runs and written to temporary files
    as they are hashed; the hashes then decide. Unchanged data → the files are (re)written
    identically and nothing is recorded; changed data without `replace` → no file is touched.
    """
    if period.end >= now.astimezone(AMSTERDAM).date():
        raise ExportRefused("period_not_ended", NOT_ENDED)
    label = str(period)
    csv_name, json_name = file_names(region, label)
    lock(region, label)
    found = export_facts(region, period)
    key = app_keys().pseudonym
    out_dir.mkdir(parents=True, exist_ok=True)
    with SortedRows(out_dir) as rows, staged(out_dir, (csv_name, json_name)) as files:
        for facts in found.facts:
            rows.add(to_cells(facts, pseudonym_key=key))
        csv_hash, json_hash = write_sorted(rows, files, period=label, region=region.name)
        batch = batch_for(region, label)
        outcome = _outcome(batch, (csv_hash, json_hash), replace=replace)
        renamed = publish(out_dir, files)
    left_out = found.active - rows.count
    # A replaced batch's old files are gone once renamed over: on failure none remain.
    written = [] if outcome == UNCHANGED else renamed
    try:
        if batch is None:
            batch = ExportBatch(region=region, period=label)
            db.session.add(batch)
        if outcome != UNCHANGED:
            batch.created_at = now
            batch.created_by_id = actor.id if actor is not None else None
            batch.row_count = rows.count
            batch.left_out_count = left_out
            batch.csv_name, batch.csv_sha256 = csv_name, csv_hash
            batch.json_name, batch.json_sha256 = json_name, json_hash
            record(actor, Action.EXPORT, batch, detail=f"comensha.{outcome}")
        db.session.flush()
    except BaseException:
        discard(written)
        raise
    return ExportResult(
        region=region,
        period=label,
        outcome=outcome,
        batch=batch,
        row_count=rows.count,
        left_out=left_out,
        csv_sha256=csv_hash,
        json_sha256=json_hash,
        written=written,
    )


def _outcome(batch: ExportBatch | None, hashes: tuple[str, str], *, replace: bool) -> str:
    if batch is None:
        return CREATED
    if (batch.csv_sha256, batch.json_sha256) == hashes:
        return UNCHANGED
    if replace:
        return REPLACED
    raise ExportRefused("changed_since", CHANGED)


def write_sorted(
    rows: SortedRows, files: Sequence[StagedFile], *, period: str, region: str
) -> tuple[str, str]:
    """Write the CSV and the JSON into the staged files; their SHA-256, once on disk."""
    csv_file, json_file = files
    writer = StreamWriter(
        csv_file.write, json_file.write, period=period, region=region, row_count=rows.count
    )
    for cells in rows:
        writer.add(cells)
    writer.finish()
    return csv_file.seal(), json_file.seal()


class SortedRows:
    """The rows in the files' order (by pseudonym, known only once hashed) in bounded memory:
    runs of RUN_ROWS rows are sorted and spilled to anonymous temporary files, then merged.
    Spilled rows are export cells already (pseudonymised, coded); the runs vanish on close."""

    def __init__(self, folder: Path, run_rows: int | None = None) -> None:
        self.folder, self.run_rows = folder, run_rows or RUN_ROWS
        self.count = 0
        self._buffer: list[tuple[str, ...]] = []
        self._runs: list[IO[bytes]] = []
        self._closing = ExitStack()

    def __enter__(self) -> SortedRows:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._closing.close()

    def add(self, cells: tuple[str, ...]) -> None:
        self._buffer.append(cells)
        self.count += 1
        if len(self._buffer) >= self.run_rows:
            self._spill()

    def __iter__(self) -> Iterator[Sequence[str]]:
        if not self._runs:
            self._buffer.sort()
            return iter(self._buffer)
        if self._buffer:
            self._spill()
        return heapq.merge(*(_read_run(run) for run in self._runs))

    def _spill(self) -> None:
        self._buffer.sort()
        # Anonymous, and closed (so gone) with the ExitStack however the export ends.
        run = self._closing.enter_context(tempfile.TemporaryFile(dir=self.folder))  # noqa: SIM115
        self._runs.append(run)
        for start in range(0, len(self._buffer), SPILL_BLOCK_ROWS):
            block = self._buffer[start : start + SPILL_BLOCK_ROWS]
            run.write(json.dumps(block, ensure_ascii=False).encode() + b"\n")
        self._buffer = []


def _read_run(run: IO[bytes]) -> Iterator[list[str]]:
    """A spilled run's rows, one block of SPILL_BLOCK_ROWS in memory at a time."""
    run.seek(0)
    for line in run:
        yield from json.loads(line)


class StagedFile:
    """One output file under a temporary name, hashed as it is written."""

    def __init__(self, folder: Path, name: str) -> None:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
        self.path, self.final = Path(temporary), folder / name
        self.stream = os.fdopen(handle, "wb")
        self._sha256 = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self._sha256.update(data)
        self.stream.write(data)

    def seal(self) -> str:
        """Flush to disk and close; the file's SHA-256 in hex."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        return self._sha256.hexdigest()


@contextmanager
def staged(folder: Path, names: Sequence[str]) -> Iterator[list[StagedFile]]:
    """Temporary files for `names` in `folder`; whatever is not published is removed on exit."""
    files: list[StagedFile] = []
    try:
        for name in names:
            files.append(StagedFile(folder, name))
        yield files
    finally:
        for item in files:
            item.stream.close()
            item.path.unlink(missing_ok=True)


def publish(folder: Path, files: Sequence[StagedFile]) -> list[Path]:
    """Rename every sealed file to its final name, then make the renames durable; all or none
    remain."""
    renamed: list[Path] = []
    try:
        for item in files:
            os.replace(item.path, item.final)
            renamed.append(item.final)
        _fsync_dir(folder)
    except BaseException:
        discard(renamed)
        raise
    return renamed


def _fsync_dir(path: Path) -> None:
    """Make the renames durable (POSIX: the directory entry is data of the directory)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def discard(written: list[Path]) -> None:
    """Remove the files of a run whose batch was not recorded."""
    for path in written:
        path.unlink(missing_ok=True)


def export_dir(region: Region) -> Path:
    """The region's folder in the app's export folder (config EXPORT_DIR, default
    instance/exports): where the browser makes batches and finds them to download."""
    _check_code(region)
    configured = current_app.config.get("EXPORT_DIR")
    base = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    return base / region.code
