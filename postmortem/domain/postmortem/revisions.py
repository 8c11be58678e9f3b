"""Revisions: the full content after every save, and the diff of any two."""

import difflib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from postmortem.domain.errors import NotFound
from postmortem.extensions import db
from postmortem.models import Postmortem, PostmortemRevision, User


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "hunk"
    text: str


def content(pm: Postmortem) -> list[dict[str, str]]:
    return [{"key": s.key, "title": s.title, "body": s.body} for s in pm.sections]


def record(pm: Postmortem, actor: User | None, kind: str) -> PostmortemRevision:
    number = (db.session.scalar(
        sa.select(sa.func.max(PostmortemRevision.number)).where(
            PostmortemRevision.postmortem_id == pm.id)) or 0) + 1
    revision = PostmortemRevision(postmortem_id=pm.id, number=number,
                                  author_id=actor.id if actor else None,
                                  kind=kind, content=content(pm))
    db.session.add(revision)
    db.session.flush()
    return revision


def history(pm: Postmortem) -> list[PostmortemRevision]:
    """Newest first."""
    return list(db.session.scalars(
        sa.select(PostmortemRevision).where(PostmortemRevision.postmortem_id == pm.id)
        .order_by(PostmortemRevision.number.desc())))


def get(pm: Postmortem, number: Any) -> PostmortemRevision:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound("No such revision") from None
    revision = db.session.scalar(sa.select(PostmortemRevision).where(
        PostmortemRevision.postmortem_id == pm.id,
        PostmortemRevision.number == number)) if 0 < number < 2**31 else None
    if revision is None:
        raise NotFound("No such revision")
    return revision


def as_text(sections: list[dict[str, str]]) -> list[str]:
    """The document as Markdown lines: one heading per section, then its body."""
    lines: list[str] = []
    for section in sections:
        lines += [f"## {section['title']}", ""]
        if body := section.get("body") or "":
            lines += [*body.split("\n"), ""]
    return lines


def diff(old: PostmortemRevision, new: PostmortemRevision,
         context: int = 3) -> list[DiffLine]:
    """A unified diff of two revisions' text, line by line."""
    out: list[DiffLine] = []
    lines = difflib.unified_diff(as_text(old.content), as_text(new.content),
                                 f"revision {old.number}", f"revision {new.number}",
                                 n=context, lineterm="")
    for index, line in enumerate(lines):
        if index < 2:
            continue  # the ---/+++ file header
        if line.startswith("@@"):
            out.append(DiffLine("hunk", line))
        elif line.startswith("+"):
            out.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            out.append(DiffLine("removed", line[1:]))
        else:
            out.append(DiffLine("same", line[1:]))
    return out
