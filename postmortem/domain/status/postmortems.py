"""Published public post-mortems, linked from their incident on the status
page. The post-mortem model lives in another branch (issue 6); until it is
merged there is nothing to link, and this is the one place to finish."""

from dataclasses import dataclass

from postmortem.models import Incident


@dataclass(frozen=True)
class PublicPostmortem:
    title: str
    sections: list[tuple[str, str]]  # (title, sanitised HTML)


def public_postmortem(incident: Incident) -> PublicPostmortem | None:
    """The incident's post-mortem when it is published and public, else None.

    Never anything in draft, review or approved state, and never for a
    private incident."""
    if not incident.is_public:
        return None
    return None
