"""Sign-in throttling counts failures per account and per address, in the
database, over a sliding 15-minute window."""

from datetime import timedelta

import sqlalchemy as sa

from postmortem.domain import throttle
from postmortem.extensions import db
from postmortem.models import LoginAttempt
from tests.factories import T0


def _fail(names, times, start=T0):
    for i in range(times):
        throttle.record_failure(names, now=start + timedelta(seconds=i))
    db.session.commit()


def test_nine_failures_are_allowed_the_tenth_locks():
    names = throttle.subjects("ann@example.com", "192.0.2.1")
    _fail(names, 9)
    assert throttle.retry_after(names, now=T0 + timedelta(seconds=10)) is None
    _fail(names, 1, start=T0 + timedelta(seconds=9))
    wait = throttle.retry_after(names, now=T0 + timedelta(seconds=10))
    # The oldest of the ten ages out 15 minutes after it happened.
    assert wait == 15 * 60 - 10


def test_the_lock_lifts_as_failures_age_out():
    names = throttle.subjects("ann@example.com", "192.0.2.1")
    _fail(names, 12)
    # At +901 s, ten failures (+2 s to +11 s) are inside the window; the
    # lock lifts when the one at +2 s leaves it.
    assert throttle.retry_after(names, now=T0 + timedelta(minutes=15, seconds=1)) == 1
    assert throttle.retry_after(names, now=T0 + timedelta(minutes=15, seconds=2)) \
        is None


def test_account_and_address_count_separately():
    account, address = throttle.subjects("ann@example.com", "192.0.2.1")
    _fail([account], 10)
    later = T0 + timedelta(seconds=30)
    assert throttle.retry_after([account], now=later)
    assert throttle.retry_after([address], now=later) is None
    assert throttle.retry_after(throttle.subjects("ann@example.com", "192.0.2.9"),
                                now=later)
    assert throttle.retry_after(throttle.subjects("bob@example.com", "192.0.2.1"),
                                now=later) is None


def test_emails_match_whatever_the_case_and_are_not_stored():
    assert throttle.subjects(" Ann@Example.com", "x")[0] == \
        throttle.subjects("ann@example.com", "y")[0]
    _fail(throttle.subjects("ann@example.com", "192.0.2.1"), 1)
    stored = " ".join(db.session.scalars(sa.select(LoginAttempt.subject)))
    assert "ann" not in stored and "192.0.2.1" not in stored


def test_nul_and_long_input_fit():
    names = throttle.subjects("a\x00" * 300, "\x00")
    _fail(names, 1)
    assert all(len(name) == 64 for name in names)


def test_expired_failures_are_pruned():
    names = throttle.subjects("ann@example.com", "192.0.2.1")
    _fail(names, 5)
    _fail(throttle.subjects("bob@example.com", "192.0.2.2"), 1,
          start=T0 + timedelta(hours=1))
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 2


def test_forget_clears_only_that_subject():
    account, address = throttle.subjects("ann@example.com", "192.0.2.1")
    _fail([account, address], 10)
    throttle.forget(account)
    db.session.commit()
    later = T0 + timedelta(seconds=30)
    assert throttle.retry_after([account], now=later) is None
    assert throttle.retry_after([address], now=later)
