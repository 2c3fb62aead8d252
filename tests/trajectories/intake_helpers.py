"""Helpers of the intake, legal-track and consent tests: recent files, forms posted as a browser."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select, text

from carecoord.accounts.models import Region
from carecoord.audit.models import AuditEntry
from carecoord.codes import ProviderType
from carecoord.extensions import db
from carecoord.providers.models import CareProvider
from carecoord.timeutil import today
from carecoord.trajectories.models import Trajectory

INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"')
GUARD_FIELDS = ("version", "submission", "rendered_at")


def days_ago(days: int) -> date:
    return today() - timedelta(days=days)


def recent_trajectory(make_trajectory: Any, days: int = 60, **kwargs: Any) -> Trajectory:
    """A trajectory notified `days` ago, so dates between then and today are all allowed."""
    return make_trajectory(notified_on=days_ago(days), **kwargs)


def text_of(response: Any) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def hidden_fields(page: str, prefix: str = "") -> dict[str, str]:
    """The CSRF token and the change guard's hidden fields of the form with `prefix`."""
    wanted = {f"{prefix}-{name}" if prefix else name for name in GUARD_FIELDS} | {"csrf_token"}
    found: dict[str, str] = {}
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        name = attributes.get("name")
        if attributes.get("type") == "hidden" and name in wanted and name not in found:
            found[name] = htmllib.unescape(attributes.get("value", ""))
    assert set(found) == wanted, f"hidden fields missing: {wanted - set(found)}"
    return found


def form_of(client: FlaskClient, page_url: str, prefix: str = "") -> dict[str, str]:
    """Open the page as the coordinator would and take the form's hidden fields."""
    response = client.get(page_url)
    assert response.status_code == 200, response.status_code
    return hidden_fields(response.get_data(as_text=True), prefix)


def filled(hidden: dict[str, str], data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The hidden fields plus the typed values, named with the form's prefix."""
    return {**hidden, **{(f"{prefix}-{k}" if prefix else k): v for k, v in data.items()}}


def submit(
    client: FlaskClient, page_url: str, action: str, data: dict[str, Any], prefix: str = ""
) -> Any:
    """Open `page_url`, fill in `data` and post it to `action`, like a browser."""
    return client.post(action, data=filled(form_of(client, page_url, prefix), data, prefix))


def add_provider(region: Region, name: str, *, active: bool = True) -> CareProvider:
    """A care provider of `region`'s care network."""
    provider = CareProvider(
        name=name, region=region, provider_type=ProviderType.SHELTER.value, active=active
    )
    db.session.add(provider)
    db.session.commit()
    return provider


def born_years_before(day: date, years: int) -> date:
    """A date of birth that makes the client `years` old (a few days past the birthday)."""
    return day - timedelta(days=years * 365 + years // 4 + 10)


def fresh(t: Trajectory) -> Trajectory:
    db.session.expire_all()
    found = db.session.get(Trajectory, t.id)
    assert found is not None
    return found


def step_kinds(t: Trajectory) -> list[str]:
    """The kinds of the trajectory's steps, oldest first."""
    return [s.kind for s in sorted(fresh(t).steps, key=lambda s: s.id)]


def steps_of(t: Trajectory, kind: str) -> list[Any]:
    return [s for s in sorted(fresh(t).steps, key=lambda s: s.id) if s.kind == kind]


def bump_version(t: Trajectory) -> None:
    """Someone else saves the trajectory: every form rendered before is now stale."""
    found = fresh(t)
    found.touch()
    db.session.commit()


def replace_note_ciphertext(row_id: int, blob: bytes) -> None:
    """Overwrite a stored intake note behind the application's back, as a database user could."""
    db.session.execute(
        text("UPDATE needs_assessments SET note_ct = :blob WHERE id = :id"),
        {"blob": bytes(blob), "id": row_id},
    )
    db.session.commit()
    db.session.expire_all()


def audit_details(object_id: int) -> list[tuple[str, str | None]]:
    """(action, detail) of the audit entries on one trajectory, oldest first."""
    db.session.expire_all()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "trajectories", AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.id)
    )
    return [(e.action, e.detail) for e in entries]


def snapshot(t: Trajectory) -> dict[str, Any]:
    """Everything the intake, legal-track and consent pages can change, to compare after."""
    t = fresh(t)
    return {
        "version": t.version,
        "phase": t.phase,
        "intake_completed_on": t.intake_completed_on,
        "assistance_started_on": t.assistance_started_on,
        "needs": sorted((n.domain, n.assessed, n.has_need, n.note, n.assessed_on) for n in t.needs),
        "informed": sorted((i.topic, i.informed_on, i.language) for i in t.informed),
        "consents": [(c.purpose, c.provider_id, c.given_on, c.withdrawn_on) for c in t.consents],
        "legal": (
            t.reflection_started_on,
            t.police_report,
            t.police_report_on,
            t.residence_permit,
            t.residence_permit_on,
            t.criminal_case,
            t.criminal_case_on,
            t.appeal_pending,
        ),
        "steps": sorted(s.id for s in t.steps),
    }
