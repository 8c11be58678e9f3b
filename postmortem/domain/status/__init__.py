"""The public status page: what the public sees, in HTML, JSON, feeds and a
banner, rendered once per public change."""

# The hook that bumps the public state version must be registered whoever
# imports any part of the status page first.
from postmortem.domain.status import state as _state  # noqa: E402, F401
