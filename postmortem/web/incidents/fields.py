"""Form fields of the incident pages."""

from datetime import UTC, datetime

from flask import g
from wtforms import HiddenField, StringField
from wtforms.validators import Optional

from postmortem.domain import submissions
from postmortem.domain.values import format_utc

TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S")
TIME_HINT = "YYYY-MM-DD HH:MM, 24-hour UTC"


class UTCTimeField(StringField):
    """A UTC time typed as 24-hour `YYYY-MM-DD HH:MM` (seconds optional).

    A text input, not datetime-local: browsers show that in the reader's
    locale (AM/PM in the US) and zone-less, on a page where every time is UTC.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "placeholder": "YYYY-MM-DD HH:MM",
                     "autocomplete": "off", "spellcheck": "false", "size": 19}
        kwargs["render_kw"] = render_kw | kwargs.get("render_kw", {})
        super().__init__(label, validators or [Optional()], **kwargs)

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not self.raw_text:
            return
        for fmt in TIME_FORMATS:
            try:
                self.data = datetime.strptime(self.raw_text, fmt).replace(tzinfo=UTC)
                return
            except ValueError:
                continue
        raise ValueError("must be written YYYY-MM-DD HH:MM (24-hour, UTC, the "
                         "year in full), e.g. 2026-11-16 09:30")

    def _value(self):
        if isinstance(self.data, datetime):
            text = format_utc(self.data)
            seconds = self.data.astimezone(UTC).second
            return f"{text}:{seconds:02d}" if seconds else text
        return getattr(self, "raw_text", "") or ""


class SubmissionField(HiddenField):
    """The one-time token of a form that creates something: a fresh one each
    time the form is drawn blank, the same one when it comes back with
    errors."""

    def __init__(self, **kwargs):
        super().__init__(default=fresh_token, **kwargs)


def fresh_token() -> str:
    """A new one-time token; while a page is rendered for the shared cache, a
    placeholder that each reader's copy swaps for a token of its own."""
    return g.get("submission_placeholder") or submissions.new_token()
