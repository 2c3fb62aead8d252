"""Helpers for the closure, reopening, step and monitoring tests: forms as a browser sends them."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from carecoord.codes import HandoverStatus, LifeDomain, ProviderType
from carecoord.extensions import db
from carecoord.handovers.models import Handover, HelpQuestion
from carecoord.providers.models import CareProvider
from carecoord.timeutil import today
from carecoord.trajectories.models import Step, Trajectory

HIDDEN = ("csrf_token", "version", "submission", "rendered_at")
TAG = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def days_ago(n: int) -> date:
    return today() - timedelta(days=n)


NOTIFIED = days_ago(60)


def text_of(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def hidden_fields(page: str, form: str) -> dict[str, str]:
    """The hidden change fields of the form whose inputs have ids `<form>-…` on `page`."""
    found = {}
    for tag in TAG.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        for name in HIDDEN:
            if attributes.get("id") == f"{form}-{name}":
                found[name] = htmllib.unescape(attributes.get("value", ""))
    assert set(found) == set(HIDDEN), f"hidden fields of {form!r} not on the page: {found}"
    return found


def open_form(client, page_url: str, form: str) -> dict[str, str]:
    """GET the page and return the hidden fields of one of its forms, as a browser holds them."""
    response = client.get(page_url)
    assert response.status_code == 200, response.status_code
    return hidden_fields(response.get_data(as_text=True), form)


def submit(client, page_url: str, form: str, data: dict, action: str | None = None):
    """Open `page_url`, fill in the form named `form` with `data` and send it."""
    payload = {**open_form(client, page_url, form), **data}
    return client.post(action or page_url, data=payload)


def url(t: Trajectory, path: str = "") -> str:
    return f"/trajectories/{t.public_id}{path}"


def iso(day: date) -> str:
    return day.isoformat()


def confirm_knowledge(t: Trajectory, on: date | None = None) -> None:
    """All three knowledge conditions confirmed on the model (not through the form)."""
    on = on or days_ago(5)
    t.knows_residence_steps_on = on
    t.knows_rights_to_services_on = on
    t.knows_where_to_get_help_on = on
    db.session.commit()


def make_handover(
    t: Trajectory, status: HandoverStatus = HandoverStatus.SENT, provider: str = "De Opvang"
) -> Handover:
    """An open handover of `t` to a provider of its region, built from the models."""
    care = CareProvider(
        region_id=t.region_id, name=provider, provider_type=ProviderType.SHELTER.value
    )
    question = HelpQuestion(
        trajectory=t, domain=LifeDomain.SHELTER_HOUSING.value, created_on=days_ago(40)
    )
    question.text = "Veilige opvang"
    handover = Handover(
        help_question=question,
        provider=care,
        status=status.value,
        proposed_on=days_ago(40),
        sent_on=days_ago(39),
    )
    db.session.add_all([care, question, handover])
    db.session.commit()
    return handover


@dataclass(frozen=True)
class Stored:
    """What is stored of a trajectory, to compare before and after a refused change."""

    phase: str
    closed_on: date | None
    closure_reason: str | None
    left_from_phase: str | None
    next_review_on: date | None
    monitoring_interval_days: int
    responsible_id: int | None
    version: int
    steps: int


def stored(t: Trajectory) -> Stored:
    db.session.expire_all()
    fresh = db.session.get(Trajectory, t.id)
    return Stored(
        phase=fresh.phase,
        closed_on=fresh.closed_on,
        closure_reason=fresh.closure_reason,
        left_from_phase=fresh.left_from_phase,
        next_review_on=fresh.next_review_on,
        monitoring_interval_days=fresh.monitoring_interval_days,
        responsible_id=fresh.responsible_id,
        version=fresh.version,
        steps=db.session.scalar(
            select(func.count()).select_from(Step).where(Step.trajectory_id == t.id)
        ),
    )


def steps_of(t: Trajectory, kind: str) -> list[Step]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Step).where(Step.trajectory_id == t.id, Step.kind == kind).order_by(Step.id)
        )
    )


def fresh(t: Trajectory) -> Trajectory:
    db.session.expire_all()
    return db.session.get(Trajectory, t.id)
