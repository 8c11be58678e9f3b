"""Impact samples: the time series behind the "spike and recovery" chart."""

import csv
import io
import re
from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit
from postmortem.domain.errors import ValidationError
from postmortem.domain.incidents import check_not_future
from postmortem.domain.values import Fields
from postmortem.extensions import db
from postmortem.models import ImpactSample, Incident, User

METRIC_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_SAMPLES = 5_000


def _clean_one(data: Any) -> dict[str, Any]:
    fields = Fields(data)
    fields.time("at", required=True)
    fields.text("metric", 32, required=True)
    fields.number("value", minimum=-1e15, maximum=1e15, required=True)
    check_not_future(fields, "at")
    metric = fields.values.get("metric")
    if metric and not METRIC_RE.match(metric):
        fields.error("metric", "must be a lowercase name like user_reports")
    return fields.result()


def clean(data: Any) -> list[dict[str, Any]]:
    """Validate one sample object or a list of them; errors name the index."""
    items = data if isinstance(data, list) else [data]
    if not items:
        raise ValidationError({"body": "must hold at least one sample"})
    if len(items) > MAX_SAMPLES:
        raise ValidationError({"body": f"at most {MAX_SAMPLES} samples at once"})
    cleaned, errors = [], {}
    for index, item in enumerate(items):
        try:
            cleaned.append(_clean_one(item))
        except ValidationError as exc:
            prefix = f"[{index}]." if isinstance(data, list) else ""
            errors.update({prefix + k: v for k, v in exc.fields.items()})
    if errors:
        raise ValidationError(errors)
    return cleaned


def parse_csv(text: str) -> list[dict[str, str]]:
    """Rows from pasted CSV with a header: `at,metric,value`, or wide
    `at,<metric>,<metric>…` as spreadsheets export it."""
    reader = csv.reader(io.StringIO((text or "").strip()))
    # Keep each row's own line number so errors point at the pasted line.
    try:
        rows = [(reader.line_num, row) for row in reader
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:  # e.g. a cell past the csv module's size limit
        raise ValidationError({"csv": f"could not be read: {exc}"}) from None
    if len(rows) < 2:
        raise ValidationError({"csv": "needs a header line and at least one row"})
    header = [cell.strip().lower() for cell in rows[0][1]]
    if not header or header[0] != "at":
        raise ValidationError({"csv": "the first column must be `at`"})
    long_form = header == ["at", "metric", "value"]
    samples = []
    for number, row in rows[1:]:
        if len(row) != len(header):
            raise ValidationError({"csv": f"line {number}: expected {len(header)} "
                                          f"columns, found {len(row)}"})
        if long_form:
            samples.append({"at": row[0].strip(), "metric": row[1].strip(),
                            "value": row[2].strip()})
            continue
        for metric, cell in zip(header[1:], row[1:], strict=True):
            if cell.strip():
                samples.append({"at": row[0].strip(), "metric": metric,
                                "value": cell.strip()})
    return samples


def record(incident: Incident, data: Any, actor: User) -> list[ImpactSample]:
    """Store samples; a point already stored for the same metric and time is
    corrected rather than duplicated."""
    cleaned = clean(data)
    metrics = {item["metric"] for item in cleaned}
    existing = {
        (s.metric, s.at): s for s in db.session.scalars(
            sa.select(ImpactSample).where(ImpactSample.incident_id == incident.id,
                                          ImpactSample.metric.in_(metrics)))
    }
    stored = []
    for item in cleaned:
        sample = existing.get((item["metric"], item["at"]))
        if sample is None:
            sample = ImpactSample(incident_id=incident.id, **item)
            db.session.add(sample)
            existing[(item["metric"], item["at"])] = sample
        else:
            sample.value = item["value"]
        stored.append(sample)
    db.session.flush()
    audit.record(actor, "impact_sample.record", incident, {
        "count": len(stored), "metrics": sorted(metrics)})
    return stored


def for_incident(incident: Incident) -> list[ImpactSample]:
    return list(db.session.scalars(
        sa.select(ImpactSample).where(ImpactSample.incident_id == incident.id)
        .order_by(ImpactSample.metric, ImpactSample.at)
    ))


def series(samples: list[ImpactSample]) -> dict[str, list[tuple[Any, float]]]:
    """{metric: [(at, value), …]} in time order, for charts."""
    out: dict[str, list[tuple[Any, float]]] = {}
    for sample in sorted(samples, key=lambda s: (s.metric, s.at)):
        out.setdefault(sample.metric, []).append((sample.at, sample.value))
    return out
