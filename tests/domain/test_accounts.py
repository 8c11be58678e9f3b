"""Accounts: users, roles, passwords and hashed, revocable API tokens."""

import hashlib

import pytest

from postmortem.domain import accounts
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.extensions import db
from postmortem.models import ApiToken, AuditEntry, User
from tests import factories

PASSWORD = factories.PASSWORD


def test_create_user_hashes_the_password_and_lowercases_email():
    assert not accounts.has_users()
    user = accounts.create_user({"email": " Ana@Example.COM ", "password": PASSWORD,
                                 "role": "responder", "name": "Ana"})
    db.session.commit()
    stored = db.session.get(User, user.id)
    assert (stored.email, stored.role, stored.name) == ("ana@example.com",
                                                         "responder", "Ana")
    assert PASSWORD not in stored.password_hash
    assert accounts.has_users()
    assert db.session.scalars(db.select(AuditEntry.action)).all() == ["user.create"]


def test_role_defaults_to_viewer():
    user = accounts.create_user({"email": "v@example.com", "password": PASSWORD})
    assert user.role == "viewer"
    assert not user.has_role("responder") and user.has_role("viewer")


@pytest.mark.parametrize("data, field, message", [
    ({"password": PASSWORD}, "email", "is required"),
    ({"email": "no-at-sign", "password": PASSWORD}, "email",
     "must be an email address"),
    ({"email": "@example.com", "password": PASSWORD}, "email",
     "must be an email address"),
    ({"email": "a@example.com"}, "password", "is required"),
    ({"email": "a@example.com", "password": "short"}, "password",
     "must be at least 8 characters"),
    ({"email": "a@example.com", "password": PASSWORD, "role": "root"}, "role",
     "must be one of: viewer, responder, admin"),
    ({"email": "a" * 250 + "@example.com", "password": PASSWORD}, "email",
     "must be at most 254 characters"),
])
def test_create_user_refuses_bad_input(data, field, message):
    with pytest.raises(ValidationError) as caught:
        accounts.create_user(data)
    assert caught.value.fields[field] == message
    assert not accounts.has_users()


def test_duplicate_email_is_refused_whatever_the_case(responder):
    with pytest.raises(ValidationError) as caught:
        accounts.create_user({"email": responder.email.upper(), "password": PASSWORD})
    assert caught.value.fields == {"email": "is already registered"}
    assert len(accounts.list_users()) == 1


def test_authenticate(responder):
    assert accounts.authenticate(responder.email, PASSWORD) == responder
    assert accounts.authenticate(responder.email.upper(), PASSWORD) == responder
    assert accounts.authenticate(responder.email, "wrong password") is None
    assert accounts.authenticate("nobody@example.com", PASSWORD) is None
    assert accounts.authenticate("", "") is None
    assert accounts.authenticate(None, None) is None
    responder.active = False
    db.session.commit()
    assert accounts.authenticate(responder.email, PASSWORD) is None


def test_tokens_are_stored_hashed_and_shown_once(responder):
    token, plain = accounts.create_token(responder, "  deploy bot ")
    db.session.commit()
    assert plain.startswith(accounts.TOKEN_PREFIX) and len(plain) > 40
    stored = db.session.get(ApiToken, token.id)
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.token_hash, stored.prefix, stored.name)
    assert plain.startswith(stored.prefix)
    assert stored.name == "deploy bot"
    assert accounts.user_for_token(plain) == responder
    assert accounts.tokens_of(responder) == [stored]
    _second, other = accounts.create_token(responder, "")
    assert other != plain
    assert accounts.tokens_of(responder)[0].name == "API token"


@pytest.mark.parametrize("plain", ["", None, "pm_not-a-real-token", "abc", "pm_"])
def test_unknown_tokens_find_nobody(responder, plain):
    factories.token(responder)
    assert accounts.user_for_token(plain) is None


def test_token_name_is_limited(responder):
    with pytest.raises(ValidationError) as caught:
        accounts.create_token(responder, "n" * 81)
    assert "name" in caught.value.fields
    assert accounts.tokens_of(responder) == []


def test_revoked_token_and_inactive_user_find_nobody(responder):
    plain = factories.token(responder)
    token = accounts.tokens_of(responder)[0]
    revoked = accounts.revoke_token(token.id, responder)
    db.session.commit()
    assert revoked.revoked_at is not None
    assert accounts.user_for_token(plain) is None
    # revoking twice keeps the first time
    assert accounts.revoke_token(token.id, responder).revoked_at == revoked.revoked_at
    live = factories.token(responder)
    responder.active = False
    db.session.commit()
    assert accounts.user_for_token(live) is None


def test_only_the_owner_or_an_admin_revokes(responder, viewer, admin):
    plain = factories.token(responder)
    token = accounts.tokens_of(responder)[0]
    with pytest.raises(NotFound):
        accounts.revoke_token(token.id, viewer)
    with pytest.raises(NotFound):
        accounts.revoke_token(999, admin)
    assert accounts.user_for_token(plain) == responder
    accounts.revoke_token(token.id, admin)
    assert accounts.user_for_token(plain) is None


def test_update_user(admin, responder):
    accounts.update_user(responder, {"name": "Renamed", "role": "admin",
                                     "password": "another password"}, admin)
    db.session.commit()
    assert (responder.name, responder.role) == ("Renamed", "admin")
    assert accounts.authenticate(responder.email, "another password") == responder
    assert accounts.authenticate(responder.email, PASSWORD) is None
    accounts.update_user(responder, {"active": False}, admin)
    assert not responder.active


def test_update_user_refuses_bad_changes(admin, responder):
    with pytest.raises(ValidationError) as caught:
        accounts.update_user(responder, {"email": admin.email}, admin)
    assert caught.value.fields == {"email": "is already registered"}
    with pytest.raises(ValidationError) as caught:
        accounts.update_user(admin, {"role": "viewer"}, admin)
    assert "role" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        accounts.update_user(admin, {"active": False}, admin)
    assert "active" in caught.value.fields
    db.session.rollback()
    assert (admin.role, admin.active) == ("admin", True)
    assert responder.email != admin.email


def test_two_users_are_never_equal_for_lack_of_a_session():
    # UserMixin compares get_id(), which is a session key here; without one
    # loaded, an approver must still differ from the author.
    one, two = factories.user("responder"), factories.user("responder")
    assert one.get_id() is None and two.get_id() is None
    assert one != two and one not in [two]
    assert one == db.session.get(User, one.id)
