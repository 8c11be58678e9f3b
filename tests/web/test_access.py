"""Sessions end when a user is deactivated."""

from postmortem.domain import accounts
from postmortem.extensions import db


def test_deactivating_a_user_ends_their_session(as_responder, responder, admin):
    assert as_responder.get("/incidents").status_code == 200
    accounts.update_user(responder, {"active": False}, admin)
    db.session.commit()
    response = as_responder.get("/incidents")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
