"""`flask` commands: create-user, create-token, demo, and their bad input."""

import pytest

from postmortem.domain import accounts, demo
from postmortem.extensions import db
from postmortem.models import ApiToken, Incident, User
from tests import factories


def run(runner, *args):
    result = runner.invoke(args=list(args))
    # A refusal is a clean message, never a crash with a traceback.
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def users():
    db.session.expire_all()
    return {u.email: u.role for u in db.session.scalars(db.select(User))}


def test_create_user(runner):
    result = run(runner, "create-user", "--email", "Ana@Example.com", "--password",
                 factories.PASSWORD, "--role", "admin", "--name", "Ana")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created admin ana@example.com"
    assert users() == {"ana@example.com": "admin"}
    assert accounts.authenticate("ana@example.com", factories.PASSWORD).name == "Ana"


def test_create_user_defaults_to_viewer(runner):
    result = run(runner, "create-user", "--email", "v@example.com", "--password",
                 factories.PASSWORD)
    assert result.exit_code == 0, result.output
    assert users() == {"v@example.com": "viewer"}


@pytest.mark.parametrize("args, message", [
    (["--email", "dup@example.com", "--password", factories.PASSWORD],
     "Error: email is already registered"),
    (["--email", "new@example.com", "--password", "short"],
     "Error: password must be at least 8 characters"),
    (["--email", "not-an-email", "--password", factories.PASSWORD],
     "Error: email must be an email address"),
    (["--email", "new@example.com", "--password", factories.PASSWORD, "--role",
      "root"], "Invalid value for '--role': 'root' is not one of"),
    (["--email", "new@example.com"], "Missing option '--password'"),
])
def test_create_user_refuses_bad_input(runner, args, message):
    factories.user("viewer", email="dup@example.com")
    result = run(runner, "create-user", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert users() == {"dup@example.com": "viewer"}


def test_create_token_prints_a_working_token_last(runner, responder):
    result = run(runner, "create-token", "--email", responder.email.upper(),
                 "--name", "deploy bot")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert responder.email in lines[0]
    plain = lines[-1]
    db.session.expire_all()
    assert accounts.user_for_token(plain) == responder
    token = db.session.scalars(db.select(ApiToken)).one()
    assert token.name == "deploy bot" and token.token_hash != plain


@pytest.mark.parametrize("args, message", [
    (["--email", "nobody@example.com"], "Error: No user with email nobody@example.com"),
    (["--email", "{email}", "--name", "n" * 81],
     "Error: name must be at most 80 characters"),
    ([], "Missing option '--email'"),
])
def test_create_token_refuses_bad_input(runner, responder, args, message):
    args = [a.format(email=responder.email) for a in args]
    result = run(runner, "create-token", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_demo_loads_once(runner):
    result = run(runner, "demo")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "  Components: 6 created, 0 reused"
    assert "  Action items: 6" in lines
    incident = db.session.scalars(db.select(Incident)).one()
    assert lines[-1] == f"Loaded demo incident #{incident.id}: {incident.title}"
    assert incident.status == "resolved" and "demo" in incident.tags

    again = run(runner, "demo")
    assert again.exit_code == 0, again.output
    assert again.output.splitlines() == [
        f"  Demo incident already loaded (#{incident.id}); nothing to do"]
    assert db.session.scalar(db.select(db.func.count(Incident.id))) == 1
    assert demo.existing().id == incident.id
