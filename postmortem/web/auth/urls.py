"""Where a form may send the browser next."""

import re
from urllib.parse import urlsplit

from postmortem.models.types import MAX_ID

# Browsers drop tabs and newlines, read "\" as "/" and take "//", "///" or
# "////host" as another host, so "/\evil.example" or "/\t/evil.example" would
# leave the site: only a "/" not followed by "/" or "\", then printable
# characters without "\" or whitespace, passes.
_PLAIN_PATH = re.compile(r"^/(?![/\\])[^\\\s\x00-\x1f\x7f]*$")


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, otherwise `fallback`."""
    if not target or not _PLAIN_PATH.match(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


# Ids in URLs past 32 bits are unknown ids (404), never sent to the database.
__all__ = ["MAX_ID", "safe_next"]
