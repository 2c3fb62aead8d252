"""Trajectory operations: change, audit, flush; never commit."""

from __future__ import annotations

from sqlalchemy import func, select

from carecoord.accounts.models import Region
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory


def next_case_number(region: Region, year: int) -> str:
    """`<region code>-<year>-<sequence>`, e.g. GV-2026-0007; the unique index catches a race."""
    prefix = f"{region.code}-{year}-"
    last = db.session.scalar(
        select(func.max(Trajectory.case_number)).where(Trajectory.case_number.like(prefix + "%"))
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"
