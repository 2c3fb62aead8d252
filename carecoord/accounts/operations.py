"""Account operations: sign-in bookkeeping, users, regions, municipalities. Never commit."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from carecoord.accounts.models import Municipality, Region, User
from carecoord.accounts.passwords import hash_password, password_problem, verify_password
from carecoord.audit.models import Action, Outcome
from carecoord.audit.operations import record
from carecoord.codes import N_, Role
from carecoord.extensions import db

EMAIL_TAKEN = N_("A user with this e-mail address already exists.")
REGION_NAME_TAKEN = N_("A region with this name already exists.")
REGION_CODE_TAKEN = N_("A region with this code already exists.")
CBS_CODE_TAKEN = N_("A municipality with this CBS code already exists.")


class AccountRefused(ValueError):
    """A change that breaks a rule; `field` names the form field, `message` a msgid."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; the same work for every failure.
    Only the first factor: nobody is signed in until the second (twofactor.complete_sign_in)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    stored = user.password_hash if user is not None else None
    # No transaction stays open during the slow hash: on SQLite the lookup's transaction holds
    # the only write lock (BEGIN IMMEDIATE), so every request would wait for each check. The
    # sign-in step has written nothing before this point, so the rollback loses nothing.
    db.session.rollback()
    ok = verify_password(stored, password)
    # Nobody is signed in yet: the attempt has no actor, only (perhaps) a target account.
    if user is None or not ok or not user.active:
        reason = "unknown_account" if user is None else "wrong_password" if not ok else "inactive"
        record(None, Action.SIGN_IN, user, outcome=Outcome.FAILED, detail=reason)
        return None
    record(None, Action.SIGN_IN, user, detail="password_ok")
    return user


def refuse_locked_sign_in() -> None:
    """A sign-in attempt while the address is locked: recorded without looking the account up,
    so a known and an unknown address cost and show the same."""
    record(None, Action.SIGN_IN, outcome=Outcome.FAILED, detail="locked", object_type="users")


def sign_out(user: User) -> None:
    """Ends every session of `user`: the cookie's session version no longer matches."""
    user.session_version += 1
    record(user, Action.SIGN_OUT, user)
    db.session.flush()


def create_user(
    *, email: str, name: str, role: Role, region: Region, password: str, actor: User | None
) -> User:
    """A new active user. Raises AccountRefused (e-mail taken, weak password). Never commits."""
    email = normalise_email(email)
    if _exists(User.email == email):
        raise AccountRefused("email", EMAIL_TAKEN)
    if problem := password_problem(password, email=email, name=name):
        raise AccountRefused("password", problem)
    user = User(
        email=email,
        name=name.strip(),
        role=Role(role).value,
        region=region,
        password_hash=hash_password(password),
    )
    _unique(lambda: db.session.add(user), "email", EMAIL_TAKEN)
    record(actor, Action.CREATE, user)
    return user


def update_user(
    user: User, *, name: str, role: Role, region: Region, active: bool, actor: User
) -> list[str]:
    """Change `user`; returns the changed fields. A change of role or region, or deactivation,
    ends her sessions. An admin may not demote or deactivate herself. Never commits."""
    if user.id == actor.id:
        if Role(role).value != user.role:
            raise AccountRefused(
                "role",
                N_("You cannot change your own role: another administrator has to do that."),
            )
        if not active:
            raise AccountRefused(
                "active",
                N_("You cannot deactivate your own account: another administrator has to do that."),
            )
    changes = _changes(user, name=name.strip(), role=Role(role).value, region=region, active=active)
    if not changes:
        return []
    _assign(user, changes)
    if "role" in changes or "region" in changes or changes.get("active") is False:
        user.session_version += 1
    return _audit_update(actor, user, changes)


def deactivate_user(user: User, *, actor: User | None) -> bool:
    """Stop `user` signing in and end her sessions; False when she was inactive already."""
    if not user.active:
        return False
    user.active = False
    user.session_version += 1
    record(actor, Action.UPDATE, user, detail="fields:active")
    db.session.flush()
    return True


def set_password(user: User, password: str, *, actor: User) -> None:
    """An admin sets `user`'s password (she forgot it); ends her sessions. Never commits."""
    if user.id == actor.id:
        # Her own password needs the current one, on the account page.
        raise AccountRefused(
            "password", N_("Change your own password on your account page instead.")
        )
    _set_password(user, password, actor=actor, detail="password_reset")


def change_own_password(user: User, current: str, new: str) -> None:
    """`user` changes her password; ends all her sessions (the caller starts a new one).
    A wrong current password is audited, then refused. Never commits."""
    if not verify_password(user.password_hash, current):
        record(user, Action.UPDATE, user, outcome=Outcome.FAILED, detail="password_change_refused")
        raise AccountRefused("current_password", N_("The current password is incorrect."))
    if new == current:
        raise AccountRefused(
            "new_password", N_("Choose a password that differs from the current one.")
        )
    _set_password(user, new, actor=user, detail="password_changed", field="new_password")


def _set_password(
    user: User, password: str, *, actor: User, detail: str, field: str = "password"
) -> None:
    if problem := password_problem(password, email=user.email, name=user.name):
        raise AccountRefused(field, problem)
    user.password_hash = hash_password(password)
    user.session_version += 1
    record(actor, Action.UPDATE, user, detail=detail)
    db.session.flush()


def create_region(*, name: str, code: str, actor: User) -> Region:
    """A new region. Raises AccountRefused when the name or code is taken. Never commits."""
    _check_region_unique(name.strip(), code, excluding=None)
    region = Region(name=name.strip(), code=code)
    _unique(lambda: db.session.add(region), "name", REGION_NAME_TAKEN)
    record(actor, Action.CREATE, region)
    return region


def update_region(region: Region, *, name: str, code: str, actor: User) -> list[str]:
    """Rename or recode `region`; case numbers already given keep their old code."""
    changes = _changes(region, name=name.strip(), code=code)
    if not changes:
        return []
    _check_region_unique(name.strip(), code, excluding=region.id)
    _unique(lambda: _assign(region, changes), "name", REGION_NAME_TAKEN)
    return _audit_update(actor, region, changes)


def create_municipality(
    *, name: str, cbs_code: str, region: Region, active: bool, actor: User
) -> Municipality:
    """A new municipality of `region`. Raises AccountRefused when the CBS code is taken."""
    if _exists(Municipality.cbs_code == cbs_code):
        raise AccountRefused("cbs_code", CBS_CODE_TAKEN)
    # By id: assigning `region` would append it to region.municipalities outside the session.
    municipality = Municipality(
        name=name.strip(), cbs_code=cbs_code, region_id=region.id, active=active
    )
    _unique(lambda: db.session.add(municipality), "cbs_code", CBS_CODE_TAKEN)
    record(actor, Action.CREATE, municipality)
    return municipality


def update_municipality(
    municipality: Municipality,
    *,
    name: str,
    cbs_code: str,
    region: Region,
    active: bool,
    actor: User,
) -> list[str]:
    """Change `municipality`; an inactive one stays on the clients that live there."""
    changes = _changes(
        municipality, name=name.strip(), cbs_code=cbs_code, region=region, active=active
    )
    if not changes:
        return []
    if "cbs_code" in changes and _exists(
        Municipality.cbs_code == cbs_code, Municipality.id != municipality.id
    ):
        raise AccountRefused("cbs_code", CBS_CODE_TAKEN)
    _unique(lambda: _assign(municipality, changes), "cbs_code", CBS_CODE_TAKEN)
    return _audit_update(actor, municipality, changes)


def _check_region_unique(name: str, code: str, *, excluding: int | None) -> None:
    others = () if excluding is None else (Region.id != excluding,)
    # Names differing only in case would confuse everyone who picks a region from a list.
    if _exists(func.lower(Region.name) == name.lower(), *others):
        raise AccountRefused("name", REGION_NAME_TAKEN)
    if _exists(Region.code == code, *others):
        raise AccountRefused("code", REGION_CODE_TAKEN)


def _exists(*conditions: object) -> bool:
    return db.session.scalar(select(func.count()).where(*conditions)) > 0


def _changes(obj: object, **values: object) -> dict[str, object]:
    return {name: value for name, value in values.items() if getattr(obj, name) != value}


def _assign(obj: object, changes: dict[str, object]) -> None:
    for name, value in changes.items():
        setattr(obj, name, value)


def _audit_update(actor: User, obj: object, changes: dict[str, object]) -> list[str]:
    changed = sorted(changes)
    record(actor, Action.UPDATE, obj, detail="fields:" + ".".join(changed))
    db.session.flush()
    return changed


def _unique(change: Callable[[], None], field: str, message: str) -> None:
    """Apply `change` in a savepoint: when a concurrent request took the value first, the
    unique constraint refuses it, only the savepoint is rolled back, and the form says why."""
    try:
        with db.session.begin_nested():
            change()
    except IntegrityError as error:
        raise AccountRefused(field, message) from error
