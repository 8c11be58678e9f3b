"""How many times what a page shows has changed, per scope.

The incident page is rendered once per change and kept in the shared cache;
these counters say when a kept render is stale. A scope is one incident
(`incident:17`) or the catalog every incident page draws on (components,
update templates, users).
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from postmortem.extensions import db
from postmortem.models.types import UTCDateTime


class PageState(db.Model):
    __tablename__ = "page_state"

    scope: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    generation: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    changed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
