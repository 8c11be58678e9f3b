"""How times, durations and numbers read in generated blocks and drafts.

Deterministic on purpose: the same record always gives the same words, so an
approved document renders the same bytes whenever it is produced.
"""

from datetime import datetime


def clock(moment: datetime | None) -> str:
    """`2026-11-16 09:00 UTC`."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def hour(moment: datetime) -> str:
    """`09:00`."""
    return moment.strftime("%H:%M")


def long_date(moment: datetime) -> str:
    """`Monday 16 November 2026`."""
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def duration(seconds: int | None) -> str:
    """`2 h 40 min`, `3 min`, `1 d 2 h 5 min`; `—` when unknown."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{max(seconds, 0)} s"
    minutes = seconds // 60
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def count(value: float | int) -> str:
    """`4,200`."""
    return f"{value:,.0f}"


def percent(value: float) -> str:
    """`68%`, `12.5%`."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def series(items: list[str], conjunction: str = "and") -> str:
    """`A, B and C`."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
