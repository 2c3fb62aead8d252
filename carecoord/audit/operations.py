"""Writing audit entries in the caller's transaction; a failure to write fails the request.

An entry is sealed onto the hash chain and inserted when the caller commits (chain_writer), so
the commit raises, and the request fails, when it cannot be written.
"""

from __future__ import annotations

import re
from typing import Any

from flask import g, has_request_context, request

from carecoord.audit import chain_writer
from carecoord.audit.models import Action, AuditEntry, Outcome
from carecoord.extensions import db
from carecoord.timeutil import utcnow

DETAIL_PATTERN = re.compile(r"^[a-z0-9_.:-]{1,80}$")


def _context() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    return getattr(g, "request_id", None), request.remote_addr


def record(
    actor: Any,
    action: Action,
    obj: Any = None,
    *,
    outcome: Outcome = Outcome.SUCCESS,
    detail: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEntry:
    """Queue one entry for `actor` doing `action` on `obj`, written at the commit; flushes so
    `obj` has its id. The entry's time is now, not the commit's."""
    if detail is not None and not DETAIL_PATTERN.match(detail):
        raise ValueError("audit detail must be a code, not free text")
    if obj is not None:
        if getattr(obj, "id", None) is None:
            db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id or str(obj.id)
    request_id, address = _context()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        at=utcnow(),
        user_id=actor.id if authenticated else None,
        role=actor.role if authenticated else None,
        action=str(action),
        object_type=object_type,
        object_id=object_id,
        client_id=getattr(obj, "audit_client_id", None) if obj is not None else None,
        outcome=str(outcome),
        detail=detail,
        request_id=request_id,
        source_address=address,
    )
    chain_writer.enqueue(db.session(), entry)
    db.session.flush()
    return entry
