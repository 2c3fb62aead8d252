"""Sign in (password, then a second factor or enrolment), sign out, the home page per role,
the own account page, and the language switch."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from carecoord.accounts import operations, password_checks, pending, throttle, twofactor
from carecoord.accounts.forms import (
    ChangePasswordForm,
    EnrolForm,
    LanguageForm,
    NewRecoveryCodesForm,
    SecondFactorForm,
    SignInForm,
)
from carecoord.accounts.guards import ALL_ROLES, blueprint_roles, require_role, safe_next
from carecoord.accounts.models import User
from carecoord.accounts.sessions import start_session
from carecoord.codes import Role
from carecoord.extensions import db, limiter

bp = Blueprint("accounts", __name__)
blueprint_roles(bp, *ALL_ROLES)
log = logging.getLogger(__name__)

HOME_BY_ROLE = {
    Role.COORDINATOR: "trajectories.index",
    Role.CHAIN_DIRECTOR: "dashboard.index",
    Role.ADMIN: "admin.index",
}


def _address_limit() -> str:
    return current_app.config["SIGN_IN_ADDRESS_LIMIT"]


# Each step's POSTs count per source address on top of the per-account lock (throttle.py).
limit_posts = limiter.limit(_address_limit, methods=["POST"])


@bp.route("/sign-in", methods=["GET", "POST"])
@limit_posts
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = SignInForm(request.form)
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return _sign_in_page(form)
    if not form.validate_on_submit():
        return _sign_in_page(form, 422)
    account = throttle.account_key(form.email.data)
    if throttle.is_locked(account):
        operations.refuse_locked_sign_in()
        db.session.commit()
        log.warning("sign-in refused, account locked: account=%s", account)
        form.form_errors.append(_(throttle.LOCKED))
        return _sign_in_page(form, 429)
    try:
        with password_checks.sign_in_slot():
            user = operations.authenticate(form.email.data, form.password.data)
    except password_checks.ChecksBusy:
        # A storm of sign-ins: refused before the account is looked up, the same for all.
        log.info("sign-in refused, password checks busy")
        form.form_errors.append(_(password_checks.BUSY))
        page, status = _sign_in_page(form, 503)
        return page, status, {"Retry-After": "5"}
    db.session.commit()
    if user is None:
        log.info("sign-in failed at the password: account=%s", account)
        if throttle.register_failure(account):
            form.form_errors.append(_(throttle.LOCKED))
            return _sign_in_page(form, 429)
        form.form_errors.append(_("The e-mail address or password is incorrect."))
        return _sign_in_page(form)
    pending.begin(user, form.next.data)
    log.info("password accepted, second factor next: user=%s", user.public_id)
    step = "accounts.two_factor" if user.totp_enabled_at else "accounts.enrol"
    return redirect(url_for(step))


def _sign_in_page(form: SignInForm, status: int = 200):
    return render_template("accounts/sign_in.html", form=form), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limit_posts
def two_factor():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    user = pending.pending_user()
    if user is None or user.totp_enabled_at is None:
        return _start_again()
    form = SecondFactorForm(request.form)
    if request.method == "GET":
        return render_template("accounts/two_factor.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/two_factor.html", form=form), 422
    account = throttle.account_key(user.email)
    if throttle.is_locked(account):
        return _locked_out(account)
    try:
        method = twofactor.verify_second_factor(user, form.code.data, at=twofactor.clock())
    except twofactor.SecondFactorRefused:
        db.session.commit()  # keeps the audit entry of the failure
        log.info("sign-in failed at the second factor: user=%s", user.public_id)
        if throttle.register_failure(account):
            return _locked_out(account)
        form.code.errors.append(_(twofactor.WRONG_CODE))
        return render_template("accounts/two_factor.html", form=form), 422
    twofactor.complete_sign_in(user, method)
    db.session.commit()
    return redirect(_finish(user, account, method))


@bp.route("/sign-in/enrol", methods=["GET", "POST"])
@limit_posts
def enrol():
    """First sign-in with two factors: scan the QR code, confirm with a code, note the
    recovery codes. The secret is stored only once a code proves the app has it."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    user = pending.pending_user()
    if user is None:
        return _start_again()
    if user.totp_enabled_at is not None:
        return redirect(url_for("accounts.two_factor"))
    secret = pending.stored_secret(user)
    if secret is None:
        secret = twofactor.new_secret()
        pending.store_secret(user, secret)
    form = EnrolForm(request.form)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            account = throttle.account_key(user.email)
            if throttle.is_locked(account):
                return _locked_out(account)
            try:
                codes = twofactor.enrol(user, secret, form.code.data, at=twofactor.clock())
            except twofactor.SecondFactorRefused:
                db.session.commit()
                log.info("enrolment code refused: user=%s", user.public_id)
                if throttle.register_failure(account):
                    return _locked_out(account)
                form.code.errors.append(_(twofactor.WRONG_CODE))
            else:
                twofactor.complete_sign_in(user, "enrolled")
                db.session.commit()
                target = _finish(user, account, "enrolled")
                return _recovery_codes_page(codes, target)
    uri = twofactor.provisioning_uri(user, secret)
    return render_template(
        "accounts/enrol.html",
        form=form,
        qr=twofactor.qr_svg(uri),
        secret=twofactor.grouped(secret),
    ), status


def _start_again():
    """No sign-in under way (never started, expired, or the account changed): from the top."""
    pending.clear()
    flash(_("Sign in again: the sign-in was not started or took too long."), "warning")
    return redirect(url_for("accounts.sign_in"))


def _locked_out(account: str):
    pending.clear()
    operations.refuse_locked_sign_in()
    db.session.commit()
    log.warning("sign-in refused, account locked: account=%s", account)
    flash(_(throttle.LOCKED), "error")
    return redirect(url_for("accounts.sign_in"))


def _finish(user: User, account: str, method: str) -> str:
    """Start the signed-in session; returns where to go next."""
    throttle.clear_failures(account)
    target = safe_next(pending.next_target(), url_for("accounts.home"))
    start_session(user)
    log.info("sign-in completed: user=%s method=%s", user.public_id, method)
    return target


def _recovery_codes_page(codes: list[str], target: str):
    """Shown once, in the response that made them: they are stored only as hashes."""
    return render_template("accounts/recovery_codes.html", codes=codes, target=target)


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


@bp.post("/account/recovery-codes")
def new_recovery_codes():
    form = NewRecoveryCodesForm(request.form)
    if not form.validate():
        return _render_account(ChangePasswordForm()), 422
    user = current_user._get_current_object()
    codes = twofactor.new_recovery_codes(user, actor=user)
    db.session.commit()
    return _recovery_codes_page(codes, url_for(".account"))


def _render_account(form: ChangePasswordForm):
    return render_template(
        "accounts/account.html",
        user=current_user,
        form=form,
        codes_form=NewRecoveryCodesForm(),
        codes_left=twofactor.unused_recovery_codes(current_user),
    )


@bp.post("/language")
def set_language():
    form = LanguageForm(request.form)
    if form.validate():
        session["language"] = form.language.data
    fallback = url_for("accounts.home")
    return redirect(safe_next(form.next.data, fallback))
