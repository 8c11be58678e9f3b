"""First-run setup, sign in and sign out, and your own account."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from postmortem.domain import accounts, demo, sessions, throttle
from postmortem.domain.errors import ValidationError
from postmortem.extensions import db
from postmortem.models import User
from postmortem.models.types import utcnow
from postmortem.web.access import me
from postmortem.web.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    SetupForm,
    SignOutEverywhereForm,
)
from postmortem.web.auth.urls import safe_next
from postmortem.web.forms import apply_errors, form_status

bp = Blueprint("auth", __name__)


def sign_in(user: User, remember: bool = False) -> None:
    """Start a session row for this browser and hand its key to Flask-Login
    (also after a password change, which ended every session)."""
    sessions.start(user)
    db.session.commit()
    login_user(user, remember=remember, duration=sessions.LIFETIME)


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first admin; only while no user exists."""
    if accounts.has_users():
        return redirect(url_for("incidents.index"))
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user({
                "email": form.email.data, "name": form.name.data,
                "password": form.password.data, "role": "admin"})
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if form.load_demo.data:
                demo.load(user)
            sign_in(user)
            flash("Welcome! You are the first admin.", "success")
            return redirect(url_for("incidents.index"))
    return render_template("auth/setup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password; throttled per account and address."""
    if current_user.is_authenticated:
        return redirect(url_for("incidents.index"))
    if not accounts.has_users():
        return redirect(url_for("auth.setup"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), form_status(form)
    subjects = throttle.subjects(form.email.data, request.remote_addr)
    # Checked before the password: while the limit holds, even the right
    # password is refused, so guessing on cannot find it.
    if wait := throttle.retry_after(subjects):
        return _throttled(form, wait)
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is None:
        throttle.record_failure(subjects)
        db.session.commit()
        form.password.errors.append("Wrong email or password.")
        return render_template("auth/login.html", form=form), 422
    throttle.forget(subjects[0])
    sign_in(user, remember=form.remember.data)
    # Only same-site paths, so a crafted link cannot bounce users away.
    return redirect(safe_next(request.args.get("next"), url_for("incidents.index")))


def _throttled(form: LoginForm, wait: int):
    until = (utcnow() + timedelta(seconds=wait)).strftime("%H:%M UTC")
    minutes = -(-wait // 60)
    form.form_errors.append(
        f"Too many failed sign-ins for this account or from this address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''} "
        f"(after {until}).")
    page = render_template("auth/login.html", form=form)
    return page, 429, {"Retry-After": str(wait)}


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link on another site cannot sign you out)."""
    if current_user.is_authenticated:
        # Ends this session everywhere its cookies went, not just here.
        sessions.end(current_user.session_key)
        db.session.commit()
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account():
    """Your account: change your password, sign out everywhere."""
    return _account_page(PasswordChangeForm(formdata=None))


@bp.post("/account/password")
@login_required
def change_password():
    """Change your password; every other session ends, this one goes on."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = me()
        try:
            accounts.change_password(user, form.current_password.data,
                                     form.new_password.data)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            sign_in(user)
            flash("Password changed. Every other session is signed out.", "success")
            return redirect(url_for(".account"))
    return _account_page(form, form_status(form))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of yours, this one included."""
    if SignOutEverywhereForm().validate_on_submit():
        sessions.end_all(me())
        db.session.commit()
        logout_user()
        flash("Signed out everywhere.", "info")
    return redirect(url_for(".login"))


def _account_page(form: PasswordChangeForm, status: int = 200):
    return render_template(
        "auth/account.html", form=form, everywhere=SignOutEverywhereForm(),
        session_count=sessions.count(current_user)), status
