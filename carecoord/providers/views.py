"""The care-provider directory (sociale kaart): list, detail, add, change, (de)activate."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from carecoord.accounts.guards import blueprint_roles, require_role
from carecoord.accounts.models import Region
from carecoord.codes import ProviderType, Role
from carecoord.extensions import db
from carecoord.providers import operations, queries
from carecoord.providers.forms import ProviderFilterForm, ProviderForm
from carecoord.providers.models import CareProvider

bp = Blueprint("providers", __name__, url_prefix="/providers")
# A chain director reads her region's directory; only these roles change it.
blueprint_roles(bp, Role.COORDINATOR, Role.ADMIN, Role.CHAIN_DIRECTOR)
EDITORS = (Role.COORDINATOR, Role.ADMIN)


@bp.get("/")
def index():
    form = ProviderFilterForm(request.args)
    if _is_admin():
        form.region.choices = [SelectChoice("", _("All regions")), *_region_choices()]
    else:
        del form.region
    if not form.validate():
        return _render_index(form, providers=None), 422
    providers = queries.directory(
        current_user,
        provider_type=ProviderType(form.provider_type.data) if form.provider_type.data else None,
        region_id=form.region.data if _is_admin() else None,
        include_inactive=form.inactive.data,
    )
    return _render_index(form, providers=providers)


@bp.get("/<uuid:public_id>")
def detail(public_id: UUID):
    provider = queries.provider_or_404(current_user, public_id)
    return render_template("providers/detail.html", provider=provider, can_edit=_can_edit())


@bp.route("/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def create():
    form = _form(region_id=current_user.region_id)
    if request.method == "GET":
        return _render_form(form)
    if not form.validate():
        return _render_form(form), 422
    try:
        provider = operations.create_provider(
            _details(form), region=_chosen_region(form), actor=current_user
        )
    except operations.DuplicateName:
        return _duplicate(form)
    db.session.commit()
    flash(_("The care provider was added."), "success")
    return redirect(url_for(".detail", public_id=provider.public_id))


@bp.route("/<uuid:public_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit(public_id: UUID):
    provider = queries.provider_or_404(current_user, public_id)
    form = _form(obj=provider)
    if request.method == "GET":
        return _render_form(form, provider)
    if not form.validate():
        return _render_form(form, provider), 422
    try:
        changed = operations.update_provider(
            provider, _details(form), region=_chosen_region(form), actor=current_user
        )
    except operations.DuplicateName:
        return _duplicate(form, provider)
    db.session.commit()
    if changed:
        flash(_("The changes were saved."), "success")
    return redirect(url_for(".detail", public_id=provider.public_id))


@bp.post("/<uuid:public_id>/deactivate")
@require_role(*EDITORS)
def deactivate(public_id: UUID):
    return _set_active(public_id, active=False)


@bp.post("/<uuid:public_id>/activate")
@require_role(*EDITORS)
def activate(public_id: UUID):
    return _set_active(public_id, active=True)


def _set_active(public_id: UUID, *, active: bool):
    provider = queries.provider_or_404(current_user, public_id)
    if operations.set_provider_active(provider, active, actor=current_user):
        db.session.commit()
        if active:
            flash(_("The care provider is active again."), "success")
        else:
            flash(_("The care provider is inactive: no longer offered for handovers."), "success")
    return redirect(url_for(".detail", public_id=provider.public_id))


def _is_admin() -> bool:
    return current_user.role == Role.ADMIN


def _can_edit() -> bool:
    return current_user.role in EDITORS


def _region_choices() -> list[SelectChoice]:
    return [SelectChoice(str(r.id), r.name) for r in queries.assignable_regions(current_user)]


def _form(**initial: object) -> ProviderForm:
    """The provider form; only an admin chooses the region, out of every region."""
    form = ProviderForm(**initial)
    if _is_admin():
        form.region_id.choices = _region_choices()
    else:
        del form.region_id
    return form


def _details(form: ProviderForm) -> operations.ProviderDetails:
    return operations.ProviderDetails(
        **{name: getattr(form, name).data for name in operations.DETAIL_FIELDS}
    )


def _chosen_region(form: ProviderForm) -> Region:
    """The admin's choice (already limited to the choices offered); else the user's own region."""
    if not _is_admin():
        return current_user.region
    return next(r for r in queries.assignable_regions(current_user) if r.id == form.region_id.data)


def _duplicate(form: ProviderForm, provider: CareProvider | None = None):
    form.name.errors.append(_("The region already has a care provider with this name."))
    return _render_form(form, provider), 422


def _render_form(form: ProviderForm, provider: CareProvider | None = None):
    return render_template("providers/form.html", form=form, provider=provider)


def _render_index(form: ProviderFilterForm, *, providers):
    return render_template(
        "providers/index.html",
        form=form,
        providers=providers,
        can_edit=_can_edit(),
        show_region=_is_admin(),
    )
