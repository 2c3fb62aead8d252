"""Submitting the change forms as a browser does: open the page, keep its hidden fields, post."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from carecoord.extensions import db
from carecoord.handovers.models import Handover, HandoverStatusChange, HelpQuestion
from carecoord.trajectories.models import Step, Trajectory

HIDDEN = re.compile(r'name="(csrf_token|version|submission|rendered_at)"[^>]*value="([^"]*)"')


def hidden_fields(page: str) -> dict[str, str]:
    fields = dict(HIDDEN.findall(page))
    assert {"csrf_token", "version", "submission"} <= set(fields), "not a change form"
    return {name: html.unescape(value) for name, value in fields.items()}


def opened(client: FlaskClient, url: str) -> dict[str, str]:
    """The hidden fields of the form at `url`, as freshly rendered."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return hidden_fields(response.get_data(as_text=True))


def submit(client: FlaskClient, url: str, data: dict, hidden: dict[str, str] | None = None):
    """Open the form at `url` (unless its hidden fields are given) and post `data` with them."""
    return client.post(url, data={**(hidden or opened(client, url)), **data})


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_state() -> tuple:
    """Everything these pages can change, to compare before and after a refused request."""
    db.session.expire_all()
    handovers = db.session.scalars(select(Handover).order_by(Handover.id)).all()
    trajectories = db.session.scalars(select(Trajectory).order_by(Trajectory.id)).all()
    return (
        [(t.version, t.phase, t.assistance_started_on) for t in trajectories],
        count(HelpQuestion),
        count(Step),
        count(HandoverStatusChange),
        [(h.status, h.version, h.sent_on, h.completed_on, h._decline_reason) for h in handovers],
    )


def propose_url(t, question) -> str:
    return f"/trajectories/{t.public_id}/help-questions/{question.public_id}/handovers/new"


def question_url(t, question) -> str:
    return f"/trajectories/{t.public_id}/help-questions/{question.public_id}"


def status_url(t, handover, status: str) -> str:
    return f"/trajectories/{t.public_id}/handovers/{handover.public_id}/{status}"
