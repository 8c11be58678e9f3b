"""Who may see and change what: login, the first-run gate, roles."""

from functools import wraps

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import LoginManager, current_user

from postmortem.domain import accounts, sessions
from postmortem.models import User

# Pages anyone may open, even before the first admin exists.
PUBLIC_ENDPOINTS = {"auth.setup", "auth.login", "static"}


def init_login(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # "basic": a session whose IP or agent changed is marked not fresh. Not
    # "strong", which also wipes every session restored from a remember cookie
    # on its second request (flask-login #685), so "keep me signed in" would
    # not; stolen cookies are dealt with by ending the session row instead.
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_key: str) -> User | None:
        # The cookies carry a session key (User.get_id), not the user id: an
        # ended session, or any session of a deactivated user, loads no one.
        return sessions.load(session_key)


def me() -> User:
    """The signed-in user as a plain User, not the Flask-Login proxy: domain
    functions keep it (created_by, audit rows) past the request."""
    return current_user._get_current_object()


def require_login(bp: Blueprint) -> None:
    """Every view of `bp` needs a signed-in user; with no user at all, setup."""

    @bp.before_request
    def gate():
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            if not accounts.has_users():
                return redirect(url_for("auth.setup"))
            return redirect(url_for("auth.login", next=request.full_path))
        return None


def role_required(role: str):
    """Refuse the view (403) to users below `role`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
