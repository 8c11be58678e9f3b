"""The models, imported together so the metadata is complete."""

from postmortem.models.action import ActionItem
from postmortem.models.audit import AuditEntry
from postmortem.models.component import Component
from postmortem.models.event import ImpactSample, TimelineEvent
from postmortem.models.incident import (
    AffectedComponent,
    Incident,
    IncidentLabel,
    IncidentMember,
)
from postmortem.models.maintenance import (
    Maintenance,
    MaintenanceComponent,
    MaintenanceUpdate,
)
from postmortem.models.postmortem import (
    Postmortem,
    PostmortemReview,
    PostmortemReviewer,
    PostmortemRevision,
    PostmortemSection,
    PostmortemTemplate,
    PostmortemTransition,
    TemplateSection,
)
from postmortem.models.status_cache import StatusRender, StatusState
from postmortem.models.update import ComponentChange, StatusUpdate
from postmortem.models.user import ApiToken, User

__all__ = [
    "ActionItem", "AffectedComponent", "ApiToken", "AuditEntry", "Component",
    "ComponentChange", "ImpactSample", "Incident", "IncidentLabel", "IncidentMember",
    "StatusUpdate", "TimelineEvent", "User",
    "Postmortem", "PostmortemReview", "PostmortemReviewer", "PostmortemRevision",
    "PostmortemSection", "PostmortemTemplate", "PostmortemTransition",
    "TemplateSection",
    # status page (issue 7)
    "Maintenance", "MaintenanceComponent", "MaintenanceUpdate", "StatusRender",
    "StatusState",
]
