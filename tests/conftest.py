"""App, database, client and login fixtures shared by the whole suite.

The schema is built by the migrations (as in production), once per run, on
SQLite by default or on PostgreSQL when TEST_DATABASE_URL names it. Each test
starts from empty tables.
"""

import os

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from postmortem import create_app
from postmortem.diagnostics import rebuild_schema
from postmortem.domain import accounts
from postmortem.extensions import db
from tests import factories


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url and worker:
        url = _worker_database(url, worker)
    # (On SQLite each xdist worker has its own temporary directory already.)
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _worker_database(url: str, worker: str) -> str:
    """Under `pytest -n`, each worker gets its own PostgreSQL database, named
    after the given one (pm9 -> pm9_gw0), created on first use: workers that
    shared one would empty each other's tables mid-test."""
    base = sa.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(sa.text(
            "SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes():
    """One-round hashes: the suite tests who may do what, not the hash cost."""
    accounts.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SECRET_KEY": "test-secret",
    })
    with app.app_context():
        rebuild_schema()
    return app


def _empty_tables() -> None:
    # DELETE, children first: on tables this small it is ~300x faster than
    # PostgreSQL's TRUNCATE, and ids need not restart.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test runs in an app context, on empty tables."""
    with app.app_context():
        yield
        db.session.rollback()
        _empty_tables()
        db.session.remove()


class RequestClient(FlaskClient):
    """Runs each request in its own app context, as a server does.

    Otherwise a request would reuse the test's context: its `g` (with
    Flask-Login's cached user) and its database session would carry over from
    one request, or one client, to the next, and tests could pass for the
    wrong reason. The test's own session is expired afterwards so it reads
    what the request stored.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = RequestClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin():
    return factories.user("admin")


@pytest.fixture
def responder():
    return factories.user("responder")


@pytest.fixture
def viewer():
    return factories.user("viewer")


def login(client, user, password=factories.PASSWORD):
    """Sign `client` in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def as_admin(client, admin):
    return login(client, admin)


@pytest.fixture
def as_responder(client, responder):
    return login(client, responder)


@pytest.fixture
def as_viewer(client, viewer):
    return login(client, viewer)
