"""Account operations: sign-in bookkeeping, creating and changing users. Never commit."""

from __future__ import annotations

from sqlalchemy import func, select

from carecoord.accounts.models import Region, User
from carecoord.accounts.passwords import hash_password, password_problem, verify_password
from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.codes import Role
from carecoord.extensions import db
from carecoord.timeutil import utcnow


class AccountRefused(ValueError):
    """An account change that breaks a rule; `field` names the form field, `message` a msgid."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; the same work for every failure."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        record(user, Action.SIGN_IN, outcome=Outcome.FAILED, detail="bad_credentials")
        return None
    user.last_sign_in_at = utcnow()
    record(user, Action.SIGN_IN, user, object_type="users")
    return user


def sign_out(user: User) -> None:
    """Ends every session of `user`: the cookie's session version no longer matches."""
    user.session_version += 1
    record(user, Action.SIGN_OUT, user)
    db.session.flush()


def create_user(
    *, email: str, name: str, role: Role, region: Region, password: str, actor: User | None
) -> User:
    email = normalise_email(email)
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise AccountRefused("email", "A user with this e-mail address already exists.")
    if problem := password_problem(password, email=email, name=name):
        raise AccountRefused("password", problem)
    user = User(
        email=email,
        name=name.strip(),
        role=role.value,
        region=region,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record(actor, Action.CREATE, user)
    return user
