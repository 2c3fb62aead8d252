"""Sign in, sign out, the home page per role, the own account page, and the language switch."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from carecoord.accounts import operations
from carecoord.accounts.forms import ChangePasswordForm, LanguageForm, SignInForm
from carecoord.accounts.guards import ALL_ROLES, blueprint_roles, require_role, safe_next
from carecoord.accounts.sessions import start_session
from carecoord.codes import Role
from carecoord.extensions import db

bp = Blueprint("accounts", __name__)
blueprint_roles(bp, *ALL_ROLES)

HOME_BY_ROLE = {
    Role.COORDINATOR: "trajectories.index",
    Role.CHAIN_DIRECTOR: "dashboard.index",
    Role.ADMIN: "admin.index",
}


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = SignInForm(request.form)
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if request.method == "POST" and form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        db.session.commit()
        if user is not None:
            start_session(user)
            return redirect(safe_next(form.next.data, url_for("accounts.home")))
        form.form_errors.append(_("The e-mail address or password is incorrect."))
        return render_template("accounts/sign_in.html", form=form), 200
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    operations.sign_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("accounts.sign_in"))


@bp.get("/")
def home():
    return redirect(url_for(HOME_BY_ROLE[Role(current_user.role)]))


@bp.get("/region")
@require_role(Role.CHAIN_DIRECTOR)
def region_home():
    return render_template("accounts/region_home.html", region=current_user.region)


@bp.get("/account")
def account():
    return _render_account(ChangePasswordForm())


@bp.post("/account/password")
def change_password():
    form = ChangePasswordForm(request.form)
    if not form.validate():
        return _render_account(form), 422
    user = current_user._get_current_object()
    try:
        operations.change_own_password(user, form.current_password.data, form.new_password.data)
    except operations.AccountRefused as refused:
        db.session.commit()  # keeps the audit entry of a wrong current password, nothing else
        form[refused.field].errors.append(_(refused.message))
        return _render_account(form), 422
    db.session.commit()
    # Every earlier session, this one included, is now refused: continue in a new one.
    start_session(user)
    flash(_("Your password was changed. Your other sessions were ended."), "success")
    return redirect(url_for(".account"))


def _render_account(form: ChangePasswordForm):
    return render_template("accounts/account.html", user=current_user, form=form)


@bp.post("/language")
def set_language():
    form = LanguageForm(request.form)
    if form.validate():
        session["language"] = form.language.data
    fallback = url_for("accounts.home")
    return redirect(safe_next(form.next.data, fallback))
