"""Help questions and handovers, reached only through a trajectory already loaded in scope."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from carecoord.accounts.guards import OutOfScope
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.trajectories.models import Trajectory


def help_question_or_404(t: Trajectory, public_id: UUID) -> HelpQuestion:
    """The help question with this public id of trajectory `t`; otherwise an audited 404."""
    question = db.session.scalar(
        select(HelpQuestion)
        .where(HelpQuestion.trajectory_id == t.id, HelpQuestion.public_id == public_id)
        .options(
            selectinload(HelpQuestion.handovers).selectinload(Handover.provider),
            selectinload(HelpQuestion.handovers).selectinload(Handover.changes),
        )
    )
    if question is None:
        raise OutOfScope("help_questions", public_id)
    return question


def handover_or_404(t: Trajectory, public_id: UUID) -> Handover:
    """The handover with this public id of a help question of `t`; otherwise an audited 404."""
    handover = db.session.scalar(
        select(Handover)
        .join(HelpQuestion, Handover.help_question_id == HelpQuestion.id)
        .where(HelpQuestion.trajectory_id == t.id, Handover.public_id == public_id)
        .options(selectinload(Handover.provider), selectinload(Handover.changes))
    )
    if handover is None:
        raise OutOfScope("handovers", public_id)
    return handover


def open_handovers(t: Trajectory) -> list[Handover]:
    """Every open handover of `t`, in the order the help questions were added."""
    return [h for question in t.help_questions for h in question.handovers if h.is_open]
