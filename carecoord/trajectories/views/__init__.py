"""The coordinator's trajectory pages; importing this package registers every route on `bp`."""

from carecoord.trajectories.views import (
    caseload,
    closure,
    consent,
    documents,
    file,
    intake,
    legal,
    search,
    steps,
)
from carecoord.trajectories.views.blueprint import bp

__all__ = [
    "bp",
    "caseload",
    "closure",
    "consent",
    "documents",
    "file",
    "intake",
    "legal",
    "search",
    "steps",
]
