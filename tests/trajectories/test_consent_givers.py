"""Who gives consent: the client from 16, a parent or guardian below 16 (DOMAIN.md)."""

from __future__ import annotations

import pytest

from tests.trajectories.intake_helpers import (
    born_years_before,
    days_ago,
    fresh,
    recent_trajectory,
    snapshot,
    submit,
    text_of,
)
from tests.trajectories.stored import read_blob, write_blob

COMENSHA = {"purpose": "comensha_registration", "given_by": "client"}


def url(t):
    return f"/trajectories/{t.public_id}/consent"


def give(client, t, **data):
    data.setdefault("given_on", days_ago(5).isoformat())
    return submit(client, url(t), url(t), data)


@pytest.mark.parametrize(
    ("age", "giver", "message"),
    [
        (17, "parent_or_guardian", "The client was 16 or older on this date"),
        (12, "client", "The client was under 16 on this date"),
    ],
)
def test_the_giver_must_fit_the_age_on_the_date(
    client, login_as, make_trajectory, english, age, giver, message
):
    given_on = days_ago(5)
    t = recent_trajectory(make_trajectory, date_of_birth=born_years_before(given_on, age))
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = give(client, t, **COMENSHA | {"given_by": giver}, given_on=given_on.isoformat())

    assert response.status_code == 409
    assert message in text_of(response)
    assert snapshot(t) == before


@pytest.mark.parametrize(("age", "giver"), [(17, "client"), (12, "parent_or_guardian")])
def test_the_right_giver_for_the_age_is_accepted(client, login_as, make_trajectory, age, giver):
    given_on = days_ago(5)
    t = recent_trajectory(make_trajectory, date_of_birth=born_years_before(given_on, age))
    login_as("coordinator")

    response = give(client, t, **COMENSHA | {"given_by": giver}, given_on=given_on.isoformat())

    assert response.status_code == 302
    assert fresh(t).consents[0].given_by == giver


@pytest.mark.parametrize("giver", ["client", "parent_or_guardian"])
def test_an_unknown_date_of_birth_accepts_either_giver(client, login_as, make_trajectory, giver):
    t = recent_trajectory(make_trajectory, date_of_birth=None)
    login_as("coordinator")

    assert give(client, t, **COMENSHA | {"given_by": giver}).status_code == 302


def test_an_unreadable_date_of_birth_is_refused(client, login_as, make_trajectory, english):
    t = recent_trajectory(make_trajectory)
    client_id = t.client.id
    write_blob("clients", "date_of_birth_ct", client_id, read_blob("clients", "name_ct", client_id))
    login_as("coordinator")
    english()
    before = snapshot(t)

    response = give(client, t, **COMENSHA)

    assert response.status_code == 409
    assert "date of birth could not be decrypted" in text_of(response)
    assert snapshot(t) == before
