"""Helpers shared by the web forms."""

from datetime import UTC, datetime

from wtforms import DateTimeLocalField
from wtforms.validators import Optional

from postmortem.domain.errors import DomainError


def apply_errors(form, exc: DomainError) -> None:
    """Show domain errors beside the fields they name, the rest at the top."""
    for name, message in exc.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            if not isinstance(field.errors, list):
                field.errors = list(field.errors)
            field.errors.append(message)
        else:
            form.form_errors.append(f"{name}: {message}")
    if not exc.fields:
        form.form_errors.append(exc.message)


class UTCDateTimeField(DateTimeLocalField):
    """A datetime-local input read as UTC (the UI labels it so)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"])
        # Seconds matter: an update posted in the minute an incident was
        # declared must not land before its detection.
        kwargs.setdefault("render_kw", {"step": "1"})
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime) and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=UTC)

    def _value(self):
        if isinstance(self.data, datetime):
            return self.data.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return super()._value()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
