"""Administration: users, regions and municipalities (functioneel beheerder)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from carecoord.accounts import operations, twofactor
from carecoord.accounts.admin_forms import (
    MunicipalityForm,
    RegionForm,
    ResetTwoFactorForm,
    SetPasswordForm,
    UserCreateForm,
    UserEditForm,
    region_choices,
)
from carecoord.accounts.guards import blueprint_roles
from carecoord.accounts.models import Municipality, Region, User
from carecoord.accounts.sessions import start_session
from carecoord.codes import Role
from carecoord.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")
blueprint_roles(bp, Role.ADMIN)


@bp.get("/")
def index():
    counts = {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "regions": db.session.scalar(select(func.count()).select_from(Region)),
        "municipalities": db.session.scalar(select(func.count()).select_from(Municipality)),
    }
    return render_template("admin/index.html", counts=counts, section="index")


# Users


@bp.get("/users/")
def users():
    rows = db.session.scalars(
        select(User)
        .join(User.region)
        .options(selectinload(User.region))
        .order_by(Region.name, User.name, User.email)
    ).all()
    return render_template("admin/users.html", users=rows, section="users")


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    form = _with_regions(UserCreateForm())
    page = _page("admin/user_new.html", form, section="users")
    if request.method == "GET":
        return page()
    return _submit(
        form,
        page,
        lambda: operations.create_user(
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            region=_region(form.region.data),
            password=form.password.data,
            actor=current_user,
        ),
        done=url_for(".users"),
        message=_("The user was created. Hand over the initial password in person."),
    )


@bp.route("/users/<uuid:public_id>", methods=["GET", "POST"])
def edit_user(public_id: UUID):
    user = _user_or_404(public_id)
    if _get():
        fields = ("name", "role", "region_id", "active")
        form = _with_regions(UserEditForm(data=_values(user, fields)))
    else:
        form = _with_regions(UserEditForm())
    page = _page(
        "admin/user_edit.html",
        form,
        section="users",
        user=user,
        reset_form=ResetTwoFactorForm(formdata=None),
        codes_left=twofactor.unused_recovery_codes(user),
    )
    if request.method == "GET":
        return page()
    version = user.session_version

    def continue_own_session() -> None:
        # Her own region changed: her old session is refused, so she continues in a new one.
        if user.id == current_user.id and user.session_version != version:
            start_session(user)

    return _submit(
        form,
        page,
        lambda: operations.update_user(
            user,
            name=form.name.data,
            role=Role(form.role.data),
            region=_region(form.region.data),
            active=form.active.data,
            actor=current_user,
        ),
        done=url_for(".users"),
        message=_("The changes were saved."),
        after=continue_own_session,
    )


@bp.route("/users/<uuid:public_id>/password", methods=["GET", "POST"])
def user_password(public_id: UUID):
    user = _user_or_404(public_id)
    form = SetPasswordForm()
    page = _page("admin/user_password.html", form, section="users", user=user)
    if request.method == "GET":
        return page()
    return _submit(
        form,
        page,
        lambda: operations.set_password(user, form.password.data, actor=current_user),
        done=url_for(".users"),
        message=_(
            "The password was set and the user's sessions were ended. Hand it over in person."
        ),
    )


@bp.post("/users/<uuid:public_id>/two-factor-reset")
def reset_two_factor(public_id: UUID):
    """Clears the user's second factor and recovery codes and ends her sessions; she sets up
    two-factor sign-in again at her next sign-in (a lost or replaced phone)."""
    user = _user_or_404(public_id)
    form = ResetTwoFactorForm()
    page = _page(
        "admin/user_edit.html",
        _with_regions(
            UserEditForm(formdata=None, data=_values(user, ("name", "role", "region_id", "active")))
        ),
        section="users",
        user=user,
        reset_form=form,
        codes_left=twofactor.unused_recovery_codes(user),
    )
    return _submit(
        form,
        page,
        lambda: twofactor.reset_two_factor(user, actor=current_user),
        done=url_for(".edit_user", public_id=user.public_id),
        message=_(
            "Two-factor sign-in was reset and the user's sessions were ended. "
            "She sets it up again at her next sign-in."
        ),
    )


# Regions


@bp.get("/regions/")
def regions():
    rows = db.session.execute(
        select(Region, func.count(Municipality.id))
        .outerjoin(Region.municipalities)
        .group_by(Region.id)
        .order_by(Region.name)
    ).all()
    return render_template("admin/regions.html", regions=rows, section="regions")


@bp.route("/regions/new", methods=["GET", "POST"])
def create_region():
    form = RegionForm()
    page = _page("admin/region_form.html", form, section="regions", region=None)
    if request.method == "GET":
        return page()
    return _submit(
        form,
        page,
        lambda: operations.create_region(
            name=form.name.data, code=form.code.data, actor=current_user
        ),
        done=url_for(".regions"),
        message=_("The region was created."),
    )


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
def edit_region(region_id: int):
    region = db.get_or_404(Region, region_id)
    form = RegionForm(data={"name": region.name, "code": region.code}) if _get() else RegionForm()
    page = _page("admin/region_form.html", form, section="regions", region=region)
    if request.method == "GET":
        return page()
    return _submit(
        form,
        page,
        lambda: operations.update_region(
            region, name=form.name.data, code=form.code.data, actor=current_user
        ),
        done=url_for(".regions"),
        message=_("The changes were saved."),
    )


# Municipalities


@bp.get("/municipalities/")
def municipalities():
    rows = db.session.scalars(
        select(Region).options(selectinload(Region.municipalities)).order_by(Region.name)
    ).all()
    return render_template("admin/municipalities.html", regions=rows, section="municipalities")


@bp.route("/municipalities/new", methods=["GET", "POST"])
def create_municipality():
    form = _with_regions(MunicipalityForm(data={"active": True}) if _get() else MunicipalityForm())
    page = _page("admin/municipality_form.html", form, section="municipalities", municipality=None)
    if request.method == "GET":
        return page()
    return _submit(
        form,
        page,
        lambda: operations.create_municipality(
            name=form.name.data,
            cbs_code=form.cbs_code.data,
            region=_region(form.region.data),
            active=form.active.data,
            actor=current_user,
        ),
        done=url_for(".municipalities"),
        message=_("The municipality was created."),
    )


@bp.route("/municipalities/<int:municipality_id>", methods=["GET", "POST"])
def edit_municipality(municipality_id: int):
    municipality = db.get_or_404(Municipality, municipality_id)
    if _get():
        fields = ("name", "cbs_code", "region_id", "active")
        form = _with_regions(MunicipalityForm(data=_values(municipality, fields)))
    else:
        form = _with_regions(MunicipalityForm())
    page = _page(
        "admin/municipality_form.html",
        form,
        section="municipalities",
        municipality=municipality,
    )
    if request.method == "GET":
        return page()
    return _submit(
        form,
        page,
        lambda: operations.update_municipality(
            municipality,
            name=form.name.data,
            cbs_code=form.cbs_code.data,
            region=_region(form.region.data),
            active=form.active.data,
            actor=current_user,
        ),
        done=url_for(".municipalities"),
        message=_("The changes were saved."),
    )


# Shared


def _get() -> bool:
    """A GET shows the stored values; a POST reads only what was sent, so a missing field
    is missing instead of silently keeping the stored value."""
    return request.method == "GET"


def _submit(
    form: FlaskForm,
    page: Callable[[], str],
    change: Callable[[], object],
    *,
    done: str,
    message: str,
    after: Callable[[], None] | None = None,
):
    """Validate, make the one change, commit once; or the form again with 422, nothing stored.
    `after` runs once the change is committed."""
    if not form.validate():
        return page(), 422
    try:
        change()
    except operations.AccountRefused as refused:
        db.session.rollback()
        form[refused.field].errors.append(_(refused.message))
        return page(), 422
    db.session.commit()
    if after is not None:
        after()
    flash(message, "success")
    return redirect(done)


def _values(obj: object, fields: tuple[str, ...]) -> dict[str, object]:
    """Stored values for a form's fields; `region_id` fills the field `region`."""
    return {name.removesuffix("_id"): getattr(obj, name) for name in fields}


def _page(template: str, form: FlaskForm, **context: object) -> Callable[[], str]:
    return lambda: render_template(template, form=form, **context)


def _with_regions(form: FlaskForm) -> FlaskForm:
    form.region.choices = region_choices(db.session.scalars(select(Region).order_by(Region.name)))
    return form


def _region(region_id: int) -> Region:
    """A region the form offered (the choice is validated already)."""
    return db.session.get_one(Region, region_id)


def _user_or_404(public_id: UUID) -> User:
    return db.first_or_404(select(User).where(User.public_id == public_id))
