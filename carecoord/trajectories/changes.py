"""Saving a change to a trajectory: one commit, or a conflict page that keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from carecoord.extensions import db
from carecoord.trajectories import queries
from carecoord.trajectories.forms import ChangeForm
from carecoord.trajectories.models import Trajectory
from carecoord.trajectories.operations import DuplicateSubmission, StaleVersion, begin_change


def save_change(
    t: Trajectory,
    form: ChangeForm,
    change: Callable[[], Any],
    *,
    template: str,
    success_url: str,
    refusals: tuple[type[Exception], ...] = (),
    **context: Any,
) -> Response | tuple[str, int]:
    """Run `change` (one operation) on `t` and commit once.

    A double submit redirects to where the first one went; a stale or racing save renders the
    form again with status 409, the typed values kept, the current version in the form and
    what others changed since; a domain refusal in `refusals` renders the form with 409 and
    `refused`. Nothing is stored in either case.
    """
    public_id = t.public_id
    try:
        begin_change(t, version=form.version.data, token=form.token, actor=current_user)
        change()
        db.session.commit()
    except DuplicateSubmission:
        db.session.rollback()
        return redirect(success_url)
    except (StaleVersion, StaleDataError):
        db.session.rollback()
        return conflict(public_id, form, template, **context)
    except refusals as refused:
        db.session.rollback()
        fresh = queries.trajectory_or_404(current_user, public_id)
        html = render_template(template, t=fresh, form=form, refused=refused, **context)
        return html, 409
    return redirect(success_url)


def conflict(public_id: Any, form: ChangeForm, template: str, **context: Any) -> tuple[str, int]:
    """The form as typed, on top of the trajectory as it is now, with what changed since."""
    fresh = queries.trajectory_or_404(current_user, public_id)
    since = form.rendered_since
    changed = [s for s in fresh.steps if since is None or _after(s.created_at, since)]
    # The form renders what was posted: set the raw value too, or it re-sends the stale one.
    form.version.data = fresh.version
    form.version.raw_data = [str(fresh.version)]
    html = render_template(template, t=fresh, form=form, conflict=changed, **context)
    return html, 409


def _after(moment: Any, since: Any) -> bool:
    # SQLite hands back naive UTC timestamps; compare both as naive UTC.
    return moment.replace(tzinfo=None) > since.replace(tzinfo=None)
