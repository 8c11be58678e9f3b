"""The public status page's version counter and its rendered bodies.

Every change the public can see bumps `StatusState.version` in the same
transaction; each public response is rendered once per version and stored in
`StatusRender`, so every gunicorn worker on every host serves the same bytes
(and the same ETag) without rendering them again.
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime


class StatusState(db.Model):
    """One row (id 1): the public state version and when it last moved."""

    __tablename__ = "status_state"

    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    version: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)


class StatusRender(db.Model):
    """A rendered public response, good for `version` until `valid_until`
    (midnight moves the uptime bars; a maintenance start moves statuses)."""

    __tablename__ = "status_render"

    key: so.Mapped[str] = so.mapped_column(sa.String(300), primary_key=True)
    version: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    body: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    etag: so.Mapped[str] = so.mapped_column(sa.String(64))
    # Unix seconds, not datetimes: the hot path reads them with plain driver
    # SQL, where the same integer means the same thing on every backend.
    last_modified: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    valid_until: so.Mapped[int] = so.mapped_column(sa.BigInteger)
