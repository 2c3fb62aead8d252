"""Running a CoMensha export: lock, rows, files written atomically, the batch recorded."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from carecoord.accounts.models import Region, User
from carecoord.audit.models import Action
from carecoord.audit.operations import record
from carecoord.codes import N_
from carecoord.extensions import db
from carecoord.reporting.aggregates import Period
from carecoord.reporting.comensha import csv_text, json_text, to_row
from carecoord.reporting.models import ExportBatch
from carecoord.reporting.queries import batch_for, export_facts
from carecoord.security.keys import app_keys
from carecoord.timeutil import AMSTERDAM

SAFE_REGION_CODE = re.compile(r"[A-Za-z0-9]{1,10}")
CREATED, UNCHANGED, REPLACED = "created", "unchanged", "replaced"


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
    Unchanged data → the files are (re)written identically and nothing is recorded.
    """
    if period.end >= now.astimezone(AMSTERDAM).date():
        raise ExportRefused("period_not_ended", NOT_ENDED)
    label = str(period)
    csv_name, json_name = file_names(region, label)
    lock(region, label)
    found = export_facts(region, period)
    key = app_keys().pseudonym
    rows = [to_row(facts, pseudonym_key=key) for facts in found.facts]
    csv_bytes = csv_text(rows).encode("utf-8")
    json_bytes = json_text(rows, period=label, region=region.name).encode("utf-8")
    csv_hash, json_hash = _sha256(csv_bytes), _sha256(json_bytes)
    batch = batch_for(region, label)
    if batch is None:
        outcome = CREATED
    elif (batch.csv_sha256, batch.json_sha256) == (csv_hash, json_hash):
        outcome = UNCHANGED
    elif replace:
        outcome = REPLACED
    else:
        raise ExportRefused("changed_since", CHANGED)
    renamed = write_files(out_dir, {csv_name: csv_bytes, json_name: json_bytes})
    # A replaced batch's old files are gone once renamed over: on failure none remain.
    written = [] if outcome == UNCHANGED else renamed
    try:
        if batch is None:
            batch = ExportBatch(region=region, period=label)
            db.session.add(batch)
        if outcome != UNCHANGED:
            batch.created_at = now
            batch.created_by_id = actor.id if actor is not None else None
            batch.row_count = len(rows)
            batch.left_out_count = found.left_out
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
        row_count=len(rows),
        left_out=found.left_out,
        csv_sha256=csv_hash,
        json_sha256=json_hash,
        written=written,
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_files(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write each file under a temporary name, fsync, then rename all; all or none remain."""
    out_dir.mkdir(parents=True, exist_ok=True)
    temporary: list[tuple[Path, Path]] = []
    renamed: list[Path] = []
    try:
        for name, data in files.items():
            handle, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=".part")
            temporary.append((Path(tmp), out_dir / name))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for tmp, final in temporary:
            os.replace(tmp, final)
            renamed.append(final)
        _fsync_dir(out_dir)
    except BaseException:
        for tmp, _final in temporary:
            tmp.unlink(missing_ok=True)
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
