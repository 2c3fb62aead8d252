"""Give demo accounts a known TOTP secret, as if each had enrolled: run as
`python -m tests.topology.enrol` with the servers' environment, `{"e-mail": "secret"}` on stdin.

A separate process with the servers' own settings: the secret is stored encrypted under their
data key, which the test process does not load.
"""

from __future__ import annotations

import json
import sys

from sqlalchemy import select

from carecoord import create_app
from carecoord.accounts.models import User
from carecoord.extensions import db
from carecoord.timeutil import utcnow


def main() -> None:
    secrets_by_email: dict[str, str] = json.load(sys.stdin)
    app = create_app()
    with app.app_context():
        for email, secret in secrets_by_email.items():
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                raise SystemExit(f"no user {email}")
            user.totp_secret = secret
            user.totp_enabled_at = utcnow()
            user.totp_last_counter = None
        db.session.commit()
        db.engine.dispose()


if __name__ == "__main__":
    main()
