"""Admin pages: users, API tokens and the audit log."""

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from postmortem.domain import accounts
from postmortem.domain import audit as audit_log
from postmortem.domain.errors import ValidationError
from postmortem.extensions import db
from postmortem.models import User
from postmortem.web.access import me, require_login, role_required
from postmortem.web.admin.forms import TokenForm, UserEditForm, UserForm
from postmortem.web.auth.routes import sign_in
from postmortem.web.auth.urls import MAX_ID
from postmortem.web.forms import apply_errors, form_status, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_login(bp)



@bp.get("/users")
@role_required("admin")
def users():
    """Everyone who can sign in, and their roles."""
    return render_template("admin/users.html", users=accounts.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def create_user():
    """Add a user with a role and a first password."""
    form = UserForm()
    saved, _user = submit(
        form, lambda: accounts.create_user(form.values(), actor=me()),
        lambda user: f"Added {user.role} {user.email}.")
    if saved:
        return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form,
                           user=None), form_status(form)


@bp.route(f"/users/<int(max={MAX_ID}):user_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    """Change a user's name, email or role, reset the password, deactivate."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    saved, _user = submit(form, lambda: accounts.update_user(user, form.values(),
                                                             actor=me()),
                          f"Saved {user.email}.")
    if saved:
        if user.id == me().id and form.password.data:
            sign_in(user)  # a new password ended every session, this one too
        return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form,
                           user=user), form_status(form)


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """Your API tokens (and, for admins, everyone's); create one."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, plain = accounts.create_token(me(), form.name.data, actor=me())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            db.session.commit()
            page = render_template("admin/token_created.html", token=token, plain=plain)
            response = make_response(page)
            # The token is shown this once; no cache may keep a copy.
            response.headers["Cache-Control"] = "no-store"
            return response
    everyone = accounts.all_tokens() if current_user.has_role("admin") else None
    return render_template("admin/tokens.html", form=form, everyone=everyone,
                           own=accounts.tokens_of(me())), form_status(form)


@bp.post(f"/tokens/<int(max={MAX_ID}):token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke a token: yours, or anyone's for an admin."""
    token = accounts.revoke_token(token_id, me())
    db.session.commit()
    flash(f"Revoked token {token.name} ({token.prefix}…).", "success")
    return redirect(url_for(".tokens"))


@bp.get("/audit")
@role_required("admin")
def audit():
    """Who changed what, newest first; filter by entity type."""
    entity_type = request.args.get("entity_type", "").strip()[:32] or None
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    entries = db.paginate(audit_log.entries_query(entity_type), page=page,
                          per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/audit.html", entries=entries,
                           entity_type=entity_type,
                           entity_types=audit_log.entity_types())
