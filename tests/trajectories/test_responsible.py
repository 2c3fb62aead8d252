"""Transferring a trajectory to another coordinator of the same region."""

from __future__ import annotations

import pytest

from carecoord.codes import StepKind
from carecoord.extensions import db
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    fresh,
    steps_of,
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


def transfer(client, t, user):
    return submit(
        client, url(t, "/responsible"), "responsible", {"responsible": str(user.public_id)}
    )


def test_transfer_to_a_colleague_of_the_region(
    client, coordinator, make_trajectory, make_user, audit_entries
):
    t = make_trajectory(notified_on=NOTIFIED)
    t.responsible = coordinator
    db.session.commit()
    colleague = make_user("coordinator", name="Collega Jansen")

    response = transfer(client, t, colleague)

    assert response.status_code == 302
    assert fresh(t).responsible_id == colleague.id
    [step] = steps_of(t, StepKind.RESPONSIBLE_CHANGED)
    assert (step.author_id, step.text) == (coordinator.id, "Collega Jansen")
    assert audit_entries()[-1].detail == "responsible"
    status = text_of(client.get(url(t)))
    status = status[status.index(">Status<") :]
    assert "Collega Jansen" in status.split("</section>", 1)[0]


def test_the_choices_are_the_active_coordinators_of_the_region(
    client, coordinator, make_trajectory, make_user
):
    t = make_trajectory(notified_on=NOTIFIED)
    colleague = make_user("coordinator", name="Collega Jansen")
    gone = make_user("coordinator", name="Vertrokken Collega")
    gone.active = False
    db.session.commit()
    make_user("coordinator", region="Rotterdam-Rijnmond", name="Rotterdamse Collega")
    make_user("chain_director", name="Ketenregisseur Gooi")

    page = text_of(client.get(url(t, "/responsible")))

    assert "Collega Jansen" in page and str(colleague.public_id) in page
    for absent in ("Vertrokken Collega", "Rotterdamse Collega", "Ketenregisseur Gooi"):
        assert absent not in page


@pytest.mark.parametrize("who", ["other_region", "inactive", "chain_director"])
def test_transfer_outside_the_choices_is_a_field_error(
    client, coordinator, make_trajectory, make_user, who
):
    t = make_trajectory(notified_on=NOTIFIED)
    if who == "other_region":
        target = make_user("coordinator", region="Rotterdam-Rijnmond")
    elif who == "inactive":
        target = make_user("coordinator")
        target.active = False
        db.session.commit()
    else:
        target = make_user("chain_director")
    before = stored(t)

    response = transfer(client, t, target)

    assert response.status_code == 422
    assert "Choose one of the options." in text_of(response)
    assert stored(t) == before


def test_a_closed_trajectory_is_not_transferred(client, coordinator, make_trajectory, make_user):
    t = make_trajectory(notified_on=NOTIFIED)
    colleague = make_user("coordinator")
    t.phase, t.closed_on, t.closure_reason = "closed", NOTIFIED, "deceased"
    db.session.commit()
    before = stored(t)

    response = transfer(client, t, colleague)

    assert response.status_code == 409
    assert "This trajectory is closed." in text_of(response)
    assert stored(t) == before
