"""Sign-in is throttled per account and per client address, the proxy's
address is trusted only when configured, and every path does the same
password-hash work."""

import pytest

from postmortem.domain import accounts
from postmortem.extensions import db
from tests import factories
from tests.conftest import RequestClient
from tests.web.test_security import _app_like


def _attempt(client, email, password="wrong password", address="192.0.2.1",  # noqa: S107
             **headers):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def _fail(client, email, times, address="192.0.2.1"):
    for _ in range(times):
        assert _attempt(client, email, address=address).status_code == 422


def test_after_ten_failures_sign_in_is_refused_with_retry_after(client, responder):
    _fail(client, responder.email, 10)
    response = _attempt(client, responder.email)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in html and "Try again in 15 minutes" in html
    assert f'value="{responder.email}"' in html


def test_the_right_password_does_not_bypass_the_limit(client, responder):
    _fail(client, responder.email, 10)
    response = _attempt(client, responder.email, factories.PASSWORD)
    assert response.status_code == 429
    assert client.get("/components").status_code == 302


def test_an_account_is_protected_from_every_address(client, responder):
    for i in range(10):
        _fail(client, responder.email, 1, address=f"198.51.100.{i}")
    response = _attempt(client, responder.email, factories.PASSWORD,
                        address="203.0.113.7")
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_stopped(client, responder):
    for i in range(10):
        _fail(client, f"guess{i}@example.com", 1)
    assert _attempt(client, responder.email, factories.PASSWORD).status_code == 429
    other = _attempt(client, responder.email, factories.PASSWORD,
                     address="203.0.113.7")
    assert other.status_code == 302


def test_a_success_clears_the_accounts_failures(client, responder):
    _fail(client, responder.email, 9)
    assert _attempt(client, responder.email, factories.PASSWORD).status_code == 302
    client.post("/logout")
    _fail(client, responder.email, 9, address="203.0.113.7")
    assert _attempt(client, responder.email, factories.PASSWORD,
                    address="203.0.113.8").status_code == 302


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_configured(app, responder):
    client = _app_like(app).test_client()
    for i in range(10):
        _attempt(client, f"guess{i}@example.com", **{"X-Forwarded-For": f"10.0.0.{i}"})
    # Spoofing X-Forwarded-For did not spread the failures over ten addresses.
    response = _attempt(client, responder.email, factories.PASSWORD,
                        **{"X-Forwarded-For": "10.0.0.99"})
    assert response.status_code == 429


def test_behind_a_configured_proxy_its_client_address_counts(app, responder):
    proxied = _app_like(app, TRUSTED_PROXIES=1)
    proxied.test_client_class = RequestClient
    client = proxied.test_client()
    for i in range(10):
        _attempt(client, f"guess{i}@example.com", address="10.0.0.1",
                 **{"X-Forwarded-For": "192.0.2.50"})
    blocked = _attempt(client, responder.email, factories.PASSWORD,
                       address="10.0.0.1", **{"X-Forwarded-For": "192.0.2.50"})
    assert blocked.status_code == 429
    other = _attempt(client, responder.email, factories.PASSWORD,
                     address="10.0.0.1", **{"X-Forwarded-For": "192.0.2.51"})
    assert other.status_code == 302


def test_nul_in_the_email_is_a_form_error(client, responder):
    response = _attempt(client, "a\x00@example.com")
    assert response.status_code in (400, 422)


# The same work on every path --------------------------------------------------

@pytest.fixture
def hash_work(monkeypatch):
    """Count password hashes checked and made during a sign-in."""
    counts = {"check": 0, "make": 0}
    check, make = accounts.check_password_hash, accounts.generate_password_hash

    def counted_check(*args):
        counts["check"] += 1
        return check(*args)

    def counted_make(*args, **kwargs):
        counts["make"] += 1
        return make(*args, **kwargs)

    accounts.authenticate("warm@example.com", "x")  # the dummy hash, made once
    monkeypatch.setattr(accounts, "check_password_hash", counted_check)
    monkeypatch.setattr(accounts, "generate_password_hash", counted_make)
    return counts


@pytest.mark.parametrize("who", ["right", "wrong", "unknown", "deactivated"])
def test_every_sign_in_path_checks_one_hash(hash_work, responder, admin, who):
    if who == "deactivated":
        accounts.update_user(responder, {"active": False}, admin)
        db.session.commit()
    email = "nobody@example.com" if who == "unknown" else responder.email
    password = "wrong password" if who == "wrong" else factories.PASSWORD
    hash_work.update(check=0, make=0)  # the fixtures' own hashing aside
    user = accounts.authenticate(email, password)
    assert (user is not None) == (who == "right")
    assert hash_work == {"check": 1, "make": 0}


def test_the_dummy_hash_uses_the_current_method(monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:2")
    assert accounts._dummy_hash().startswith("pbkdf2:sha256:2$")
