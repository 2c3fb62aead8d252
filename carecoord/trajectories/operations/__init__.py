"""Trajectory operations: change models, audit, flush; never commit."""

from carecoord.trajectories.operations.common import (
    DuplicateSubmission,
    StaleVersion,
    begin_change,
    next_case_number,
)

__all__ = ["DuplicateSubmission", "StaleVersion", "begin_change", "next_case_number"]
