"""Reopening a closed trajectory: with a reason, to the phase it left, never two open."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from carecoord.codes import ClosureReason, Phase, ReferrerType, StepKind
from carecoord.extensions import db
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations import closure as closure_operations
from tests.trajectories.closure_helpers import (
    NOTIFIED,
    days_ago,
    fresh,
    iso,
    steps_of,
    stored,
    submit,
    text_of,
    url,
)
from tests.trajectories.stored import read_blob


@pytest.fixture
def coordinator(login_as, english):
    user = login_as("coordinator")
    english()
    return user


def closed(make_trajectory, left_from: Phase = Phase.ASSISTANCE, **kwargs) -> Trajectory:
    t = make_trajectory(notified_on=NOTIFIED, **kwargs)
    t.phase, t.left_from_phase = Phase.CLOSED.value, left_from.value
    t.closed_on, t.closure_reason = days_ago(20), ClosureReason.DECLINED_HELP.value
    db.session.commit()
    return t


def reopen(client, t, reason="Cliënt meldt zich opnieuw", on=None):
    data = {"reopened_on": iso(on or days_ago(1)), "reason": reason}
    return submit(client, url(t, "/reopen"), "reopen", data)


@pytest.mark.parametrize("left_from", [Phase.INTAKE, Phase.ASSISTANCE])
def test_reopening_returns_to_the_phase_it_left_with_the_reason(
    client, coordinator, make_trajectory, audit_entries, left_from
):
    t = closed(make_trajectory, left_from)

    response = reopen(client, t, reason="Cliënt meldt zich opnieuw")

    assert response.status_code == 302
    assert response.location == url(t)
    now = fresh(t)
    assert now.phase == left_from
    assert (now.closed_on, now.closure_reason, now.left_from_phase) == (None, None, None)
    assert now.next_review_on == days_ago(1 - now.monitoring_interval_days)
    [step] = steps_of(t, StepKind.REOPENING)
    assert (step.occurred_on, step.text, step.author_id) == (
        days_ago(1),
        "Cliënt meldt zich opnieuw",
        coordinator.id,
    )
    assert "Cliënt".encode() not in read_blob("steps", "text_ct", step.id)
    assert audit_entries()[-1].detail == "reopen"
    assert "Cliënt meldt zich opnieuw" in text_of(client.get(url(t)))


def test_reopening_an_open_trajectory_is_refused(client, coordinator, make_trajectory):
    t = make_trajectory(notified_on=NOTIFIED)
    before = stored(t)

    response = reopen(client, t)

    assert response.status_code == 409
    assert "Only a closed trajectory can be reopened." in text_of(response)
    assert stored(t) == before


def test_a_file_purged_after_the_retention_period_cannot_be_reopened(
    client, coordinator, make_trajectory
):
    t = closed(make_trajectory)
    t.client.purged_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.session.commit()
    before = stored(t)

    response = reopen(client, t)

    assert response.status_code == 409
    assert "removed after the retention period" in text_of(response)
    assert stored(t) == before


def test_reopening_is_refused_while_the_client_has_another_open_trajectory(
    client, coordinator, make_trajectory, audit_entries
):
    t = closed(make_trajectory)
    other = Trajectory(
        client=t.client,
        region=t.region,
        case_number=f"GV-2026-{uuid.uuid4().hex[:6]}",
        notified_on=days_ago(10),
        referrer_type=ReferrerType.SELF.value,
        age_band=t.age_band,
    )
    db.session.add(other)
    db.session.commit()
    before = stored(t)

    response = reopen(client, t, reason="Toch verder")

    assert response.status_code == 409
    page = text_of(response)
    assert "This client already has an open trajectory." in page
    assert "Toch verder" in page  # the typed reason is kept
    assert stored(t) == before
    assert fresh(t).phase == Phase.CLOSED
    entry = audit_entries()[-1]
    assert (entry.outcome, entry.detail) == ("denied", "reopen.refused")


def test_a_racing_second_open_trajectory_is_caught_by_the_database(
    client, coordinator, make_trajectory, monkeypatch
):
    t = closed(make_trajectory)
    db.session.add(
        Trajectory(
            client=t.client,
            region=t.region,
            case_number=f"GV-2026-{uuid.uuid4().hex[:6]}",
            notified_on=days_ago(10),
            referrer_type=ReferrerType.SELF.value,
            age_band=t.age_band,
        )
    )
    db.session.commit()
    # As if the other trajectory was opened between the check and the save.
    monkeypatch.setattr(closure_operations, "has_other_open_trajectory", lambda _t: False)
    before = stored(t)

    response = reopen(client, t)

    assert response.status_code == 409
    assert "This client already has an open trajectory." in text_of(response)
    assert stored(t) == before


def test_the_reason_is_required(client, coordinator, make_trajectory):
    t = closed(make_trajectory)
    before = stored(t)

    response = reopen(client, t, reason="   ")

    assert response.status_code == 422
    assert "Enter the reason for reopening." in text_of(response)
    assert stored(t) == before


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (days_ago(21), "This date cannot be before the date of closure"),
        (days_ago(-1), "This date cannot be in the future."),
    ],
)
def test_reopening_date_outside_its_bounds_is_422(
    client, coordinator, make_trajectory, when, message
):
    t = closed(make_trajectory)
    before = stored(t)

    response = reopen(client, t, on=when)

    assert response.status_code == 422
    assert message in text_of(response)
    assert stored(t) == before


def test_the_file_offers_reopening_only_when_it_is_allowed(client, coordinator, make_trajectory):
    open_one = make_trajectory(notified_on=NOTIFIED, name="Open Dossier")
    closed_one = closed(make_trajectory, name="Gesloten Dossier")

    open_page = text_of(client.get(url(open_one)))
    closed_page = text_of(client.get(url(closed_one)))

    assert url(open_one, "/reopen") not in open_page
    assert url(open_one, "/close") in open_page
    assert url(closed_one, "/reopen") in closed_page
    assert url(closed_one, "/new-trajectory") in closed_page
    assert url(closed_one, "/close") not in closed_page
