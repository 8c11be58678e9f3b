"""The models, imported together so the metadata is complete."""

from postmortem.models.action import ActionItem
from postmortem.models.audit import AuditEntry
from postmortem.models.cache import CacheEntry
from postmortem.models.component import Component
from postmortem.models.event import ImpactSample, TimelineEvent
from postmortem.models.incident import (
    AffectedComponent,
    Incident,
    IncidentLabel,
    IncidentMember,
)
from postmortem.models.search import IncidentFacet, SearchDocument
from postmortem.models.submission import (
    FormSubmission,
    IdempotencyKey,
    UpdateTemplate,
)
from postmortem.models.update import ComponentChange, StatusUpdate
from postmortem.models.user import ApiToken, LoginAttempt, User, UserSession

__all__ = [
    "CacheEntry", "IncidentFacet", "SearchDocument",
    "ActionItem", "AffectedComponent", "ApiToken", "AuditEntry", "Component",
    "ComponentChange", "FormSubmission", "IdempotencyKey", "ImpactSample", "Incident",
    "IncidentLabel", "IncidentMember", "LoginAttempt", "StatusUpdate",
    "TimelineEvent", "UpdateTemplate", "User", "UserSession",
]
