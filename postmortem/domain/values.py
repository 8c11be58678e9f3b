"""Parse and check incoming values, gathering every problem by field name.

JSON bodies, form data and CLI arguments all pass through here so a bad value
gets the same clear message wherever it comes from.
"""

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from postmortem.domain.errors import ValidationError
from postmortem.domain.rendering import markdown_problem

SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MISSING = object()


def parse_time(value: Any, ahead: timedelta | None = None) -> datetime:
    """An aware datetime from a datetime or an ISO 8601 string with a zone, at
    most `ahead` of now (a day unless said: what is recorded has happened)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "must be an ISO 8601 time, e.g. 2026-11-16T09:00:00Z"
            ) from None
    else:
        raise ValueError("must be an ISO 8601 time string")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("must include a time zone, e.g. Z or +00:00")
    return plausible(parsed.astimezone(UTC), ahead or FUTURE_LIMIT)


# Nothing this tool records happened before it could have: a year like 21 is
# a two-digit year read literally, and a time days ahead is a typo.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_LIMIT = timedelta(days=1)


def plausible(value: datetime, ahead: timedelta = FUTURE_LIMIT) -> datetime:
    """`value`, if it is a time an incident could have happened at (or, with
    a longer `ahead`, something could be planned for)."""
    if value < EARLIEST:
        raise ValueError(f"must be in 1990 or later (year {value.year} read: "
                         "write the year in full, e.g. 2021)")
    if value > datetime.now(UTC) + ahead:
        if ahead == FUTURE_LIMIT:
            raise ValueError("is in the future: more than a day ahead of now")
        raise ValueError(f"is too far ahead: at most {ahead.days} days from now")
    return value


def format_utc(value: datetime | None) -> str:
    """A time as every page shows it: 24-hour `YYYY-MM-DD HH:MM` UTC."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _holds_nul(raw: Any) -> bool:
    """A NUL in a string, or in a list's items or an object's keys and values."""
    if isinstance(raw, str):
        return "\x00" in raw
    items = [*raw.keys(), *raw.values()] if isinstance(raw, Mapping) else raw
    return isinstance(raw, (list, Mapping)) and any(
        isinstance(item, str) and "\x00" in item for item in items)


class Fields:
    """Collects cleaned values and errors from a mapping of raw input.

    Each method reads one field; absent fields are skipped when `partial` is
    set (PATCH), otherwise the default applies or `required` reports them.
    """

    def __init__(self, data: Any, partial: bool = False):
        if not isinstance(data, Mapping):
            raise ValidationError({"body": "must be a JSON object"})
        self.data = data
        self.partial = partial
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def _raw(self, name: str, required: bool, default: Any) -> Any:
        if name not in self.data:
            if self.partial:
                return MISSING
            if required:
                self.errors[name] = "is required"
                return MISSING
            self.values[name] = default
            return MISSING
        return self.data[name]

    def _take(self, name: str, required: bool, default: Any, convert) -> None:
        raw = self._raw(name, required, default)
        if raw is MISSING:
            return
        # Blank means typed spaces, not control characters that str.strip()
        # also drops (a "\x1e" severity is a mistake to report, not a default).
        if raw is None or (isinstance(raw, str) and not raw.strip(" \t\r\n\f\v")):
            if required:
                self.errors[name] = "is required"
            elif self.partial and default not in (None, "", []):
                # A PATCH sending null must not quietly reset a value to its
                # default (a start time to now, a severity to SEV3).
                self.errors[name] = "cannot be empty"
            else:
                self.values[name] = default
            return
        if _holds_nul(raw):
            # PostgreSQL refuses NUL in text: say so here, on every backend,
            # for form input as for JSON.
            self.errors[name] = "must not contain NUL characters"
            return
        try:
            self.values[name] = convert(raw)
        # OverflowError: float(10**400), or a year-1 time with a zone ahead of UTC.
        except (ValueError, TypeError, OverflowError) as exc:
            self.errors[name] = str(exc)

    def text(self, name: str, max_length: int, required: bool = False,
             default: str = "") -> None:
        def convert(raw):
            if not isinstance(raw, str):
                raise TypeError("must be a string")
            value = raw.strip()
            if len(value) > max_length:
                raise ValueError(f"must be at most {max_length} characters")
            return value

        self._take(name, required, default, convert)

    def markdown(self, name: str, max_length: int, required: bool = False) -> None:
        """Text that will be rendered as Markdown: refused if it cannot be."""
        self.text(name, max_length, required)
        problem = markdown_problem(self.values.get(name) or "")
        if problem:
            self.errors[name] = problem

    def choice(self, name: str, choices: Iterable[str], required: bool = False,
               default: str | None = None) -> None:
        allowed = tuple(choices)

        def convert(raw):
            if raw not in allowed:
                raise ValueError("must be one of: " + ", ".join(allowed))
            return raw

        self._take(name, required, default, convert)

    def time(self, name: str, required: bool = False, default: Any = None,
             ahead: timedelta | None = None) -> None:
        self._take(name, required, default, lambda raw: parse_time(raw, ahead))

    def day(self, name: str, required: bool = False) -> None:
        def convert(raw):
            if isinstance(raw, date) and not isinstance(raw, datetime):
                return raw
            if not isinstance(raw, str):
                raise TypeError("must be a date string YYYY-MM-DD")
            try:
                return date.fromisoformat(raw.strip())
            except ValueError:
                raise ValueError("must be a date, YYYY-MM-DD") from None

        self._take(name, required, None, convert)

    def number(self, name: str, minimum: float | None = None,
               maximum: float | None = None, integer: bool = False,
               required: bool = False, default: Any = None) -> None:
        def convert(raw):
            if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                raise TypeError("must be a number")
            try:
                value = float(raw)
            except ValueError:
                raise ValueError("must be a number") from None
            if not math.isfinite(value):
                raise ValueError("must be a finite number")
            if integer:
                if value != int(value):
                    raise ValueError("must be a whole number")
                value = int(value)
            if minimum is not None and value < minimum:
                raise ValueError(f"must be at least {minimum:g}")
            if maximum is not None and value > maximum:
                raise ValueError(f"must be at most {maximum:g}")
            return value

        self._take(name, required, default, convert)

    def flag(self, name: str, default: bool = False) -> None:
        def convert(raw):
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.lower() in ("true", "1", "yes", "on"):
                return True
            if isinstance(raw, str) and raw.lower() in ("false", "0", "no", "off"):
                return False
            raise TypeError("must be true or false")

        self._take(name, False, default, convert)

    def strings(self, name: str, max_items: int = 50, max_length: int = 64) -> None:
        """A list of short labels; a comma-separated string is accepted too."""

        def convert(raw):
            if isinstance(raw, str):
                raw = raw.split(",")
            if not isinstance(raw, list):
                raise TypeError("must be a list of strings")
            out: list[str] = []
            for item in raw:
                if not isinstance(item, str):
                    raise TypeError("must be a list of strings")
                item = item.strip()
                if len(item) > max_length:
                    raise ValueError(f"items must be at most {max_length} characters")
                if item and item not in out:
                    out.append(item)
            if len(out) > max_items:
                raise ValueError(f"must have at most {max_items} items")
            return out

        self._take(name, False, [], convert)

    def url(self, name: str, max_length: int = 500) -> None:
        def convert(raw):
            if not isinstance(raw, str):
                raise TypeError("must be a string")
            value = raw.strip()
            parsed = urlparse(value)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError("must be an http(s) URL")
            if len(value) > max_length:
                raise ValueError(f"must be at most {max_length} characters")
            return value

        self._take(name, False, None, convert)

    def slug(self, name: str, required: bool = False, max_length: int = 64) -> None:
        """A slug; absent or null means "none given", "" is not a slug."""
        if isinstance(self.data.get(name), str) and not self.data[name].strip():
            self.errors[name] = "must be lowercase letters, digits and - or _"
            return

        def convert(raw):
            if not isinstance(raw, str) or not SLUG_RE.match(raw.strip()):
                raise ValueError("must be lowercase letters, digits and - or _")
            if len(raw.strip()) > max_length:
                raise ValueError(f"must be at most {max_length} characters")
            return raw.strip()

        self._take(name, required, None, convert)

    def reject_unknown(self, known: Iterable[str]) -> None:
        known = set(known)
        for name in self.data:
            if name not in known:
                self.errors[name] = "is not a known field"

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def result(self) -> dict[str, Any]:
        """The cleaned values, or a ValidationError naming every bad field."""
        if self.errors:
            raise ValidationError(self.errors)
        return self.values
