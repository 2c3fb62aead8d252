"""A new trajectory for a known client, from the client file of a closed trajectory."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from carecoord.codes import ClosureReason, ExploitationForm, Phase, ReferrerType, StepKind
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    days_ago,
    iso,
    open_form,
    stored,
    submit,
    text_of,
    url,
)


@pytest.fixture
def coordinator(login_as, english):
    user = login_as("coordinator")
    english()
    return user


def closed(make_trajectory, **kwargs) -> Trajectory:
    t = make_trajectory(notified_on=NOTIFIED, **kwargs)
    # A case number as the application makes them, so the next one can follow it.
    t.case_number = f"{t.region.code}-{NOTIFIED.year}-0007"
    t.phase, t.left_from_phase = Phase.CLOSED.value, Phase.ASSISTANCE.value
    t.closed_on, t.closure_reason = days_ago(30), ClosureReason.RETURNED_TO_ORIGIN.value
    db.session.commit()
    return t


def trajectories_of(client_id: int) -> list[Trajectory]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Trajectory).where(Trajectory.client_id == client_id).order_by(Trajectory.id)
        )
    )


NEW = {
    "notified_on": iso(days_ago(3)),
    "referrer_type": ReferrerType.FAIRWORK.value,
    "forms_of_exploitation": [ExploitationForm.LABOUR.value, ExploitationForm.CRIMINAL.value],
}


def test_a_new_trajectory_starts_in_intake_for_the_known_client(
    client, coordinator, make_trajectory, audit_entries
):
    turned_18 = days_ago(30)  # between the first notification and the new one
    born = date(turned_18.year - 18, turned_18.month, min(turned_18.day, 28))
    t = closed(make_trajectory, date_of_birth=born)
    assert t.age_band == "12-17"

    response = submit(client, url(t, "/new-trajectory"), "new-trajectory", NEW)

    assert response.status_code == 302
    old, new = trajectories_of(t.client_id)
    assert response.location == url(new)
    assert old.id == t.id and old.phase == Phase.CLOSED
    assert (new.phase, new.notified_on, new.referrer_type) == ("intake", days_ago(3), "fairwork")
    assert new.forms_of_exploitation == [ExploitationForm.CRIMINAL, ExploitationForm.LABOUR]
    year = days_ago(3).year
    assert new.case_number == f"GV-{year}-{8 if year == NOTIFIED.year else 1:04d}"
    assert new.responsible_id == coordinator.id
    assert new.region_id == t.region_id
    assert new.age_band == "18-22"  # at the new notification, not the first one
    [step] = [s for s in new.steps if s.kind == StepKind.NOTIFICATION]
    assert step.occurred_on == days_ago(3)
    entry = audit_entries()[-1]
    assert (entry.action, entry.object_id, entry.detail) == ("create", str(new.id), "known_client")
    page = text_of(client.get(url(new)))
    assert new.case_number in page and t.case_number in page  # the earlier one is listed


def test_a_double_submit_starts_one_trajectory(client, coordinator, make_trajectory):
    t = closed(make_trajectory)
    hidden = open_form(client, url(t, "/new-trajectory"), "new-trajectory")

    first = client.post(url(t, "/new-trajectory"), data={**hidden, **NEW})
    second = client.post(url(t, "/new-trajectory"), data={**hidden, **NEW})

    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert len(trajectories_of(t.client_id)) == 2


def test_a_new_trajectory_is_refused_while_one_is_open(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = submit(client, url(t, "/new-trajectory"), "new-trajectory", NEW)

    assert response.status_code == 409
    assert "This client already has an open trajectory." in text_of(response)
    assert stored(t) == before
    assert len(trajectories_of(t.client_id)) == 1


def test_a_new_trajectory_is_refused_from_a_closed_file_when_another_is_open(
    client, coordinator, make_trajectory
):
    t = closed(make_trajectory)
    assert submit(client, url(t, "/new-trajectory"), "new-trajectory", NEW).status_code == 302

    response = submit(client, url(t, "/new-trajectory"), "new-trajectory", NEW)

    assert response.status_code == 409
    assert len(trajectories_of(t.client_id)) == 2
    assert "This client has another open trajectory." in text_of(client.get(url(t)))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("notified_on", iso(days_ago(31)), "cannot be before the previous trajectory closed"),
        ("notified_on", iso(days_ago(-1)), "This date cannot be in the future."),
        ("referrer_type", "neighbour", "Choose one of the options."),
        ("forms_of_exploitation", [], "Choose at least one form of exploitation."),
        ("forms_of_exploitation", ["slavery"], "Choose one of the options."),
    ],
)
def test_bad_notification_input_is_422(client, coordinator, make_trajectory, field, value, message):
    t = closed(make_trajectory)
    before = db.session.scalar(select(func.count()).select_from(Trajectory))

    response = submit(client, url(t, "/new-trajectory"), "new-trajectory", {**NEW, field: value})

    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Trajectory)) == before
