"""`/session/resume`: back from an ended session to the form as typed, to send it again.

Public (the visitor may not be signed in yet) and exempt from CSRF (the token on the page
belonged to the ended session); the signature over the kept values stands in for it. The page
changes nothing: the form it shows goes to the original path with a fresh CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from carecoord.accounts.resume import NotVerified, render_kept, verify
from carecoord.accounts.timeouts import EXPIRED_TEMPLATE
from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.extensions import csrf, db

# Public: listed in guards.PUBLIC_ENDPOINTS as "sessions.resume".
bp = Blueprint("sessions", __name__)
RESUME_TEMPLATE = "accounts/session_resume.html"


@bp.post("/session/resume")
@csrf.exempt
def resume() -> ResponseReturnValue:
    try:
        kept, signature = verify(request.form)
    except NotVerified:
        abort(400)
    if not current_user.is_authenticated:
        page = render_kept(EXPIRED_TEMPLATE, kept, signature=signature, not_signed_in=True)
        return page, 401
    if str(current_user.public_id) != kept.user:
        # Someone else signed in in this browser: what the first user typed is not for her.
        record(
            current_user,
            Action.VIEW,
            outcome=Outcome.DENIED,
            detail="session_resume_other_user",
            object_type="session",
        )
        db.session.commit()
        return render_template(RESUME_TEMPLATE, refused=True), 403
    return render_kept(RESUME_TEMPLATE, kept, signature=signature)
