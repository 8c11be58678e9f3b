"""The models, imported together so the metadata is complete."""

from postmortem.models.action import ActionItem
from postmortem.models.audit import AuditEntry
from postmortem.models.cache import CacheEntry
from postmortem.models.component import Component
from postmortem.models.event import ImpactSample, TimelineEvent
from postmortem.models.export_cache import ExportCache
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
from postmortem.models.page_state import PageState
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
from postmortem.models.search import IncidentFacet, SearchDocument
from postmortem.models.status_cache import StatusRender, StatusState
from postmortem.models.submission import (
    FormSubmission,
    IdempotencyKey,
    UpdateTemplate,
)
from postmortem.models.update import ComponentChange, StatusUpdate
from postmortem.models.user import ApiToken, LoginAttempt, User, UserSession

__all__ = [
    "ActionItem", "AffectedComponent", "ApiToken", "AuditEntry", "CacheEntry",
    "Component", "ComponentChange", "ExportCache", "FormSubmission", "IdempotencyKey",
    "ImpactSample", "Incident", "IncidentFacet", "IncidentLabel", "IncidentMember",
    "LoginAttempt", "Maintenance", "MaintenanceComponent", "MaintenanceUpdate",
    "PageState", "Postmortem", "PostmortemReview", "PostmortemReviewer",
    "PostmortemRevision", "PostmortemSection", "PostmortemTemplate",
    "PostmortemTransition", "SearchDocument", "StatusRender", "StatusState",
    "StatusUpdate", "TemplateSection", "TimelineEvent", "UpdateTemplate", "User",
    "UserSession",
]
