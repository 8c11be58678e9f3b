"""While the database is unreachable: a clear 503 with Retry-After, no stack
trace per request, and service again as soon as it is back, without a restart."""

import contextlib
import logging
import socket
import threading

import pytest
import sqlalchemy as sa

from postmortem import create_app
from postmortem.extensions import db
from tests import factories

DEAD = "postgresql+psycopg://postgres@127.0.0.1:5199/nothing?connect_timeout=2"
PROXY_PORT = 5198


def app_on(url: str):
    return create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": url,
                       "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                       "SESSION_COOKIE_SECURE": False})


def assert_unavailable(response, json: bool):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    if json:
        assert response.get_json()["error"]["code"] == "unavailable"
    else:
        assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_an_unreachable_database_is_503_with_retry_after(caplog):
    client = app_on(DEAD).test_client()
    with caplog.at_level(logging.WARNING):
        assert_unavailable(client.get("/incidents"), json=False)
        assert_unavailable(client.post("/login", data={"email": "a@b.c",
                                                       "password": "x"}), json=False)
        assert_unavailable(client.get("/api/v1/incidents",
                                      headers={"Authorization": "Bearer pm_x"}),
                           json=True)
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert records and all("Database unavailable" in r.getMessage() for r in records)
    assert not any(r.exc_info for r in records)  # one line, no stack trace


class Proxy:
    """A TCP relay to PostgreSQL that can be cut and restored, like a restart."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.sockets: list[socket.socket] = []
        self.server: socket.socket | None = None

    def start(self):
        self.server = socket.create_server(("127.0.0.1", PROXY_PORT), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server):
        with contextlib.suppress(OSError):
            while True:
                downstream, _ = server.accept()
                upstream = socket.create_connection(self.target)
                self.sockets += [downstream, upstream]
                for a, b in ((downstream, upstream), (upstream, downstream)):
                    threading.Thread(target=self._pipe, args=(a, b),
                                     daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self):
        """Stop listening and drop every open connection."""
        # shutdown() first: close() alone leaves a blocked accept() listening.
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()


def test_requests_recover_after_the_database_comes_back(app, admin):
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not url.drivername.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL); SQLite has no server")
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    via_proxy = url.set(host="127.0.0.1", port=PROXY_PORT)
    served = app_on(via_proxy.render_as_string(hide_password=False))
    client = served.test_client()
    headers = {"Authorization": f"Bearer {factories.token(admin)}"}
    try:
        assert client.get("/api/v1/incidents", headers=headers).status_code == 200
        proxy.cut()
        for _ in range(3):
            assert_unavailable(client.get("/api/v1/incidents", headers=headers),
                               json=True)
        proxy.start()
        # The same app, not restarted: the pool's ping replaces dead connections.
        assert client.get("/api/v1/incidents", headers=headers).status_code == 200
    finally:
        proxy.cut()
        with served.app_context():
            db.engine.dispose()
