"""Fixtures for the coordinator's pages: English interface, more trajectories for one client."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import pytest

from carecoord.codes import ClosureReason, ExploitationForm, Phase, ReferrerType
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory, TrajectoryExploitation


@pytest.fixture
def closed_trajectory(app) -> Callable[..., Trajectory]:
    """An earlier, closed trajectory of the same client as `current`."""

    def make(current: Trajectory, notified_on: date, closed_on: date) -> Trajectory:
        earlier = Trajectory(
            client=current.client,
            region=current.region,
            case_number=f"{current.region.code}-{notified_on.year}-{uuid.uuid4().hex[:6]}",
            phase=Phase.CLOSED.value,
            notified_on=notified_on,
            closed_on=closed_on,
            closure_reason=ClosureReason.DECLINED_HELP.value,
            referrer_type=ReferrerType.SHELTER.value,
            age_band=current.age_band,
        )
        earlier.exploitation.append(TrajectoryExploitation(form=ExploitationForm.LABOUR.value))
        db.session.add(earlier)
        db.session.commit()
        return earlier

    return make
