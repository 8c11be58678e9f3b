"""Forms of the incident pages: they validate and hand plain values to the
domain; they never save."""

from types import SimpleNamespace
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from postmortem.domain.vocabulary import (
    COMPONENT_STATUSES,
    DETECTION_SOURCES,
    EVENT_KINDS,
    IMPACTS,
    INCIDENT_STATUSES,
    KNOWN_METRICS,
    SEVERITIES,
    label,
)
from postmortem.models import Component, User
from postmortem.web.forms import now_utc
from postmortem.web.incidents.fields import SubmissionField, UTCTimeField

REQUIRED = "is required"


def _choices(values, blank: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(value, label(value)) for value in values]


def _severity_choices() -> list[SelectChoice]:
    return [SelectChoice(s) for s in SEVERITIES]


class FilterForm(FlaskForm):
    """The incidents list filters (a GET form: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    q = SearchField("Search", validators=[Length(max=200)])
    status = SelectField("Status", choices=_choices(INCIDENT_STATUSES, "Any"),
                         validate_choice=False)
    severity = SelectField("Severity",
                           choices=[SelectChoice("", "Any"), *_severity_choices()],
                           validate_choice=False)
    component = SelectField("Component", choices=[SelectChoice("", "Any")],
                            validate_choice=False)
    tag = StringField("Tag", validators=[Length(max=64)])


def filter_form(args, component_list: list[Component]) -> FilterForm:
    form = FilterForm(formdata=args)
    form.component.choices = [SelectChoice("", "Any")] + [
        SelectChoice(c.slug, c.name) for c in component_list]
    chosen = args.get("component")
    if chosen and chosen not in {c.slug for c in component_list}:
        # Keep an unknown slug visible rather than silently showing "Any".
        form.component.choices.append(SelectChoice(chosen))
    return form


class ComponentFields:
    """One select per known component, named by component id."""

    component_list: list[Component] = []

    def component_fields(self):
        """(component, field) pairs in display order."""
        return [(c, self[f"component_{c.id}"]) for c in self.component_list]


def _with_components(base: type, component_list: list[Component], blank: str,
                     label_suffix: str = "") -> type:
    """A subclass of `base` with a status select per component."""
    fields: dict[str, Any] = {"component_list": list(component_list)}
    for component in component_list:
        fields[f"component_{component.id}"] = SelectField(
            component.name + label_suffix,
            choices=_choices(COMPONENT_STATUSES, blank), default="")
    # WTForms collects fields in its metaclass, so build through it.
    return type(base)(base.__name__, (base,), fields)


class IncidentForm(ComponentFields, FlaskForm):
    """Declare an incident (and, with the milestones, edit one)."""

    title = StringField("Title", validators=[DataRequired(REQUIRED),
                                             Length(max=200)])
    summary = TextAreaField("Summary (Markdown)", validators=[Length(max=20_000)])
    severity = SelectField("Severity", choices=_severity_choices(), default="SEV3")
    impact = SelectField("Public impact", choices=_choices(IMPACTS), default="minor")
    status = SelectField("Status", choices=_choices(INCIDENT_STATUSES),
                         default="investigating")
    detection_source = SelectField("Detection source",
                                   choices=_choices(DETECTION_SOURCES, "Not known"),
                                   default="")
    is_public = BooleanField("Public: shown on the status page", default=True)
    commander = SelectField("Incident commander",
                            choices=[SelectChoice("", "Nobody yet")],
                            default="")
    started_at = UTCTimeField("Impact started (UTC)",
                              default=lambda: now_utc().replace(second=0))
    detected_at = UTCTimeField("Detected (UTC)")
    regions = StringField("Regions", validators=[Length(max=2000)])
    platforms = StringField("Platforms", validators=[Length(max=2000)])
    customer_tiers = StringField("Customer tiers", validators=[Length(max=2000)])
    tags = StringField("Tags", validators=[Length(max=2000)])
    users_affected = StringField("Users affected",
                                 render_kw={"inputmode": "numeric"})
    percent_users_affected = StringField("% of users affected",
                                         render_kw={"inputmode": "decimal"})
    peak_user_reports = StringField("Peak user reports",
                                    render_kw={"inputmode": "numeric"})
    new_component = StringField("Add a component not listed",
                                validators=[Length(max=100)])
    submission = SubmissionField()

    TEXT_FIELDS = ("title", "summary", "severity", "impact", "status", "regions",
                   "platforms", "customer_tiers", "tags", "users_affected",
                   "percent_users_affected", "peak_user_reports")
    TIME_FIELDS = ("started_at", "detected_at")

    def domain_data(self) -> dict[str, Any]:
        """The plain values incidents.declare / incidents.update take."""
        data: dict[str, Any] = {name: self[name].data for name in self.TEXT_FIELDS}
        data |= {name: self[name].data for name in self.TIME_FIELDS}
        data["detection_source"] = self.detection_source.data or None
        data["commander"] = self.commander.data or None
        data["is_public"] = bool(self.is_public.data)
        data["components"] = [{"slug": c.slug, "status": f.data}
                              for c, f in self.component_fields() if f.data]
        if "new_component" in self and (self.new_component.data or "").strip():
            data["new_component"] = self.new_component.data.strip()
        return data


class EditIncidentForm(IncidentForm):
    started_at = UTCTimeField("Impact started (UTC)",
                              validators=[DataRequired(REQUIRED)])
    acknowledged_at = UTCTimeField("Acknowledged (UTC)")
    mitigated_at = UTCTimeField("Mitigated (UTC)")
    resolved_at = UTCTimeField("Resolved (UTC)")
    version = HiddenField()
    # Declaring only: an edit carries a version instead of a one-time token.
    new_component = None
    submission = None

    TIME_FIELDS = ("started_at", "detected_at", "acknowledged_at", "mitigated_at",
                   "resolved_at")

    def domain_data(self) -> dict[str, Any]:
        return super().domain_data() | {"version": self.version.data}


def incident_form(component_list: list[Component], users: list[User],
                  edit: bool = False, values: dict[str, Any] | None = None):
    """The declare form, or with `edit` the edit form filled from `values`."""
    base = EditIncidentForm if edit else IncidentForm
    cls = _with_components(base, component_list, "Not affected")
    data = dict(values or {})
    for component_id, status in data.pop("components", {}).items():
        data[f"component_{component_id}"] = status
    form = cls(data=data) if values else cls()
    form.commander.choices = [SelectChoice("", "Nobody yet")] + [
        SelectChoice(u.email, f"{u.display_name} ({u.email})" if u.name else u.email)
        for u in users]
    return form


class StatusUpdateForm(ComponentFields, FlaskForm):
    submission = SubmissionField()
    status = SelectField("Status", choices=_choices(INCIDENT_STATUSES))
    message = TextAreaField("Message (Markdown, public)",
                            validators=[DataRequired(REQUIRED), Length(max=20_000)])
    # No default: a time filled in when the page was drawn goes stale while
    # the page stays open, and would post the update in the past. Empty means
    # the moment it is posted.
    posted_at = UTCTimeField("Posted at (UTC)")

    def domain_data(self) -> dict[str, Any]:
        return {
            "status": self.status.data, "message": self.message.data,
            "posted_at": self.posted_at.data,
            "component_statuses": {c.slug: f.data for c, f in self.component_fields()
                                   if f.data},
        }


def affected_first(component_list: list[Component],
                   affected_ids: set[int]) -> list[Component]:
    """The incident's affected components first: those are the ones an
    update is most likely about."""
    return sorted(component_list, key=lambda c: c.id not in affected_ids)


def status_update_form(component_list: list[Component], submitted: bool = True,
                       status: str | None = None, message: str | None = None):
    cls = _with_components(StatusUpdateForm, component_list, "No change",
                           " status")
    if submitted:
        return cls(prefix="update")
    return cls(prefix="update", formdata=None,
               data={"status": status, "message": message})


class EditUpdateForm(ComponentFields, FlaskForm):
    """Correct a status update: its status, text, time and component changes."""

    status = SelectField("Status", choices=_choices(INCIDENT_STATUSES))
    message = TextAreaField("Message (Markdown, public)",
                            validators=[DataRequired(REQUIRED), Length(max=20_000)])
    posted_at = UTCTimeField("Posted at (UTC)",
                             validators=[DataRequired(REQUIRED)])
    version = HiddenField()

    def domain_data(self) -> dict[str, Any]:
        return {
            "status": self.status.data, "message": self.message.data,
            "posted_at": self.posted_at.data, "version": self.version.data,
            "component_statuses": {c.slug: f.data for c, f in self.component_fields()
                                   if f.data},
        }


def edit_update_form(component_list: list[Component], update) -> EditUpdateForm:
    cls = _with_components(EditUpdateForm, component_list, "No change", " status")
    data = {"status": update.status, "message": update.message,
            "posted_at": update.posted_at, "version": str(update.version)}
    data |= {f"component_{c.component_id}": c.new_status
             for c in update.component_changes}
    return cls(data=data)


class ConfirmForm(FlaskForm):
    """Confirm a deletion (a form, so it works without JavaScript)."""

    version = HiddenField()


class EventForm(FlaskForm):
    submission = SubmissionField()
    kind = SelectField("Kind", choices=_choices(EVENT_KINDS), default="note")
    text = TextAreaField("What happened (Markdown, internal)",
                         validators=[DataRequired(REQUIRED), Length(max=10_000)])
    occurred_at = UTCTimeField("Occurred at (UTC)")  # empty: now, as above
    key = BooleanField("Key event: goes into the post-mortem")

    def domain_data(self) -> dict[str, Any]:
        return {"kind": self.kind.data, "text": self.text.data,
                "occurred_at": self.occurred_at.data, "key": bool(self.key.data)}


class TimelineControlsForm(FlaskForm):
    """The one form the star and delete buttons of every event submit.

    Each button names its own URL (formaction), so 2,000 events need 2,000
    buttons rather than 4,000 forms and CSRF tokens.
    """

    key = BooleanField("Key event")
    # Which page the buttons sit on, to go back to it.
    back = HiddenField(default="page")

    def domain_data(self) -> dict[str, Any]:
        return {"key": bool(self.key.data)}


def controls_form(back: str = "page") -> TimelineControlsForm:
    return TimelineControlsForm(prefix="tl", formdata=None, data={"back": back})


class SampleForm(FlaskForm):
    submission = SubmissionField()
    metric = SelectField("Metric", choices=[SelectChoice(k, v) for k, v
                                            in KNOWN_METRICS.items()],
                         default="user_reports")
    value = StringField("Value", validators=[DataRequired(REQUIRED),
                                             Length(max=40)],
                        render_kw={"inputmode": "decimal"})
    # The default is set from the incident's own window (sample_form).
    at = UTCTimeField("At (UTC)", validators=[DataRequired(REQUIRED)])

    def domain_data(self) -> dict[str, Any]:
        return {"metric": self.metric.data, "value": self.value.data,
                "at": self.at.data}


def sample_form(default_at, submitted: bool = False) -> SampleForm:
    if submitted:
        return SampleForm(prefix="sample")
    return SampleForm(prefix="sample", formdata=None, data={"at": default_at})


class SampleRangeForm(FlaskForm):
    """Delete the samples of one metric, within a time range if given."""

    metric = SelectField("Metric", validate_choice=False)
    start = UTCTimeField("From (UTC)")
    end = UTCTimeField("To (UTC)")

    def domain_data(self) -> dict[str, Any]:
        return {"metric": self.metric.data, "from": self.start.data,
                "to": self.end.data}


class UpdateTemplateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(REQUIRED), Length(max=100)])
    status = SelectField("Status", choices=_choices(INCIDENT_STATUSES))
    message = TextAreaField("Message (Markdown)",
                            validators=[DataRequired(REQUIRED), Length(max=20_000)])

    def domain_data(self) -> dict[str, Any]:
        return {"name": self.name.data, "status": self.status.data,
                "message": self.message.data}


class CsvForm(FlaskForm):
    submission = SubmissionField()
    csv = TextAreaField("CSV", validators=[DataRequired(REQUIRED),
                                           Length(max=500_000)])

    def domain_data(self) -> dict[str, Any]:
        return {"csv": self.csv.data}


def page_forms(component_list: list[Component], status: str, sample_at,
               message: str | None = None,
               **submitted: FlaskForm) -> SimpleNamespace:
    """The write forms of the incident page; a form that was just submitted
    (with its errors and the user's text) replaces its blank twin."""
    blank = {
        "update": lambda: status_update_form(component_list, submitted=False,
                                             status=status, message=message),
        "event": lambda: EventForm(prefix="event", formdata=None),
        "sample": lambda: sample_form(sample_at),
        "csv": lambda: CsvForm(prefix="csv", formdata=None),
        "controls": lambda: controls_form(),
    }
    # A namespace, not a dict: in a template `forms.update` would be dict.update.
    return SimpleNamespace(**{name: submitted.get(name) or make()
                              for name, make in blank.items()})
