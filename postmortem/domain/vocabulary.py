"""The words of DESIGN.md, in one place; Statuspage's where it has them."""

INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
IMPACTS = ("none", "minor", "major", "critical")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
COMPONENT_STATUSES = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)
DETECTION_SOURCES = (
    "monitoring",
    "user_reports",
    "social_media",
    "outage_tracker",
    "internal",
    "customer_support",
    "other",
)
EVENT_KINDS = (
    "detection",
    "alert",
    "escalation",
    "communication",
    "action",
    "mitigation",
    "recovery",
    "note",
)
ACTION_STATUSES = ("open", "in_progress", "done", "wont_do")
ACTION_KINDS = ("prevent", "mitigate", "detect", "process")
PRIORITIES = ("P1", "P2", "P3")
ROLES = ("viewer", "responder", "admin")

# Metrics people log during an outage; others are accepted if slug-shaped.
KNOWN_METRICS = {
    "user_reports": "User reports",
    "error_rate": "Error rate (%)",
    "percent_restored": "Users restored (%)",
    "latency_ms": "Latency (ms)",
    "requests_per_second": "Requests per second",
}

# Worst first, for deriving one status from many.
COMPONENT_STATUS_RANK = {
    "major_outage": 4,
    "partial_outage": 3,
    "degraded_performance": 2,
    "under_maintenance": 1,
    "operational": 0,
}


def label(value: str | None) -> str:
    """`partial_outage` -> `Partial outage`, for display."""
    if not value:
        return ""
    if value == "wont_do":
        return "Won't do"
    return value.replace("_", " ").capitalize()
