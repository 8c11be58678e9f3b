"""The post-mortem as Markdown with YAML front matter.

The front matter holds the incident record (fields, milestones, scope,
updates, events, action items, impact samples); the body holds the sections
as written, generated-block markers included, each under a comment naming its
key. `importer.py` reads it back into an equal incident and post-mortem.
"""

from typing import Any

import yaml

from postmortem.domain.exports.document import Document

SECTION_COMMENT = "<!-- section: {key} -->"
INCIDENT_FIELDS = (
    "title", "summary", "severity", "impact", "status", "started_at",
    "detected_at", "acknowledged_at", "mitigated_at", "resolved_at",
    "detection_source", "is_public", "commander", "regions", "platforms",
    "customer_tiers", "tags", "users_affected", "percent_users_affected",
    "peak_user_reports",
)


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as literal blocks, no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def front_matter(document: Document) -> dict[str, Any]:
    data = document.to_dict()
    incident = data["incident"]
    return {
        "format": data["format"], "format_version": data["format_version"],
        "title": document.display_title,
        "postmortem": {k: data[k] for k in (
            "state", "version", "is_public", "authors", "reviewers", "approvers",
            "created_at", "updated_at", "approved_at", "published_at",
            "pdf_sha256")},
        "incident": {"id": incident["id"],
                     **{k: incident[k] for k in INCIDENT_FIELDS},
                     "components": [
                         {k: c[k] for k in ("slug", "name", "status", "started_at",
                                            "ended_at")}
                         for c in incident["components"]],
                     "durations": incident["durations"]},
        "updates": [{k: u[k] for k in ("posted_at", "status", "message")}
                    | {"component_changes": [
                        {k: c[k] for k in ("slug", "name", "old_status",
                                           "new_status")}
                        for c in u["component_changes"]]}
                    for u in data["updates"]],
        "events": [{k: e[k] for k in ("occurred_at", "kind", "key", "text")}
                   for e in data["events"]],
        "action_items": [{k: a[k] for k in (
            "title", "kind", "priority", "status", "owner", "due_date",
            "tracker_url", "completed_at", "description")}
            for a in data["action_items"]],
        "samples": [{k: s[k] for k in ("at", "metric", "value")}
                    for s in data["samples"]],
    }


def export(document: Document) -> bytes:
    meta = yaml.dump(front_matter(document), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=88)
    parts = [f"---\n{meta}---\n", f"# {document.display_title}\n"]
    for section in document.sections:
        parts.append(f"{SECTION_COMMENT.format(key=section.key)}\n"
                     f"## {section.title}\n\n{section.body.strip()}\n")
    return "\n".join(parts).encode("utf-8")
