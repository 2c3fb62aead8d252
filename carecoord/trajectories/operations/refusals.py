"""Refusals of the intake, legal-track and consent operations, and the closed-file rule."""

from __future__ import annotations

from carecoord.codes import N_, Phase
from carecoord.trajectories.models import Trajectory

CLOSED = N_("This trajectory is closed. Reopen it before changing it.")


class Refused(Exception):
    """A change the domain rules do not allow; `messages` say why, one line each: constant
    message ids (the page translates them), or Markup (translated and escaped) where a message
    carries a value someone typed."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


def refuse_if_closed(t: Trajectory, refused: type[Refused]) -> None:
    """A closed file is read-only until it is reopened (which is recorded with a reason)."""
    if t.phase == Phase.CLOSED:
        raise refused(CLOSED)
