"""First-run setup, sign in and sign out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from postmortem.domain import accounts, demo
from postmortem.domain.errors import ValidationError
from postmortem.extensions import db
from postmortem.web.auth.forms import LoginForm, SetupForm
from postmortem.web.auth.urls import safe_next
from postmortem.web.forms import apply_errors

bp = Blueprint("auth", __name__)


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
            db.session.commit()
            login_user(user)
            flash("Welcome! You are the first admin.", "success")
            return redirect(url_for("incidents.index"))
    return render_template("auth/setup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("incidents.index"))
    if not accounts.has_users():
        return redirect(url_for("auth.setup"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Wrong email or password.")
        else:
            login_user(user, remember=form.remember.data)
            # Only same-site paths, so a crafted link cannot bounce users away.
            return redirect(safe_next(request.args.get("next"),
                                      url_for("incidents.index")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST, so a link on another site cannot sign you out)."""
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
