"""Impact samples: the time series behind the "spike and recovery" chart."""

import csv
import io
import re
from typing import Any

import sqlalchemy as sa

from postmortem.domain import audit, page_state
from postmortem.domain.errors import NotFound, ValidationError
from postmortem.domain.milestones import check_not_future
from postmortem.domain.values import Fields
from postmortem.domain.vocabulary import KNOWN_METRICS
from postmortem.extensions import db
from postmortem.models import ImpactSample, Incident, User

METRIC_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_SAMPLES = 5_000
LONG_HEADER = ["at", "metric", "value"]
COUNT_SUFFIXES = ("_count", "_reports", "_users", "_ms", "_per_second")


def is_percent(metric: str) -> bool:
    """Metrics measured in % (by their label, or their name)."""
    return "(%)" in KNOWN_METRICS.get(metric, "") or metric.startswith("percent_") \
        or metric.endswith(("_percent", "_pct", "_rate"))


def _is_count(metric: str) -> bool:
    return metric in KNOWN_METRICS or metric.endswith(COUNT_SUFFIXES)


def _check_range(fields: Fields) -> None:
    metric, value = fields.values.get("metric"), fields.values.get("value")
    if not metric or value is None:
        return
    if is_percent(metric) and not 0 <= value <= 100:
        fields.error("value", "is a percentage: it must be from 0 to 100")
    elif _is_count(metric) and value < 0:
        fields.error("value", "cannot be negative")


def _clean_one(data: Any) -> dict[str, Any]:
    fields = Fields(data)
    fields.time("at", required=True)
    fields.text("metric", 32, required=True)
    fields.number("value", minimum=-1e15, maximum=1e15, required=True)
    check_not_future(fields, "at")
    metric = fields.values.get("metric")
    if metric and not METRIC_RE.match(metric):
        fields.error("metric", "must be a lowercase name like user_reports")
    _check_range(fields)
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


def _read_rows(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank CSV rows, each with its own line number so errors point at
    the pasted line."""
    reader = csv.reader(io.StringIO((text or "").strip()))
    try:
        return [(reader.line_num, row) for row in reader
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:  # e.g. a cell past the csv module's size limit
        raise ValidationError({"csv": f"could not be read: {exc}"}) from None


def _row_samples(header: list[str], number: int, row: list[str]
                 ) -> list[dict[str, str]]:
    if len(row) != len(header):
        raise ValidationError({"csv": f"line {number}: expected {len(header)} "
                                      f"columns, found {len(row)}"})
    if header == LONG_HEADER:
        return [{"at": row[0].strip(), "metric": row[1].strip(),
                 "value": row[2].strip()}]
    return [{"at": row[0].strip(), "metric": metric, "value": cell.strip()}
            for metric, cell in zip(header[1:], row[1:], strict=True)
            if cell.strip()]


def parse_csv(text: str) -> list[dict[str, str]]:
    """Rows from pasted CSV with a header: `at,metric,value`, or wide
    `at,<metric>,<metric>…` as spreadsheets export it."""
    rows = _read_rows(text)
    if len(rows) < 2:
        raise ValidationError({"csv": "needs a header line and at least one row"})
    header = [cell.strip().lower() for cell in rows[0][1]]
    if not header or header[0] != "at":
        raise ValidationError({"csv": "the first column must be `at`"})
    return [sample for number, row in rows[1:]
            for sample in _row_samples(header, number, row)]


def record_csv(incident: Incident, text: str, actor: User) -> list[ImpactSample]:
    """Store impact samples pasted as CSV; every problem is reported against
    the pasted text, naming the sample it came from."""
    rows = parse_csv(text)
    try:
        return record(incident, rows, actor)
    except ValidationError as exc:
        raise ValidationError({"csv": "; ".join(
            _csv_problem(rows, key, message) for key, message in exc.fields.items()
        )}) from None


def _csv_problem(rows: list[dict[str, str]], key: str, message: str) -> str:
    if key.startswith("[") and "]." in key:
        index, field = key[1:].split("].", 1)
        if index.isdigit() and int(index) < len(rows):
            row = rows[int(index)]
            return (f"{row['metric'] or 'metric'} at {row['at'] or '?'}: "
                    f"{field} {message}")
    return message


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


def get(incident: Incident, sample_id: Any) -> ImpactSample:
    known = str(sample_id).isdigit() and int(sample_id) < 2**31
    sample = db.session.get(ImpactSample, int(sample_id)) if known else None
    if sample is None or sample.incident_id != incident.id:
        raise NotFound("No such impact sample")
    return sample


def delete(sample: ImpactSample, actor: User) -> None:
    """Remove one sample (a typo in a value, a point at the wrong time)."""
    audit.record(actor, "impact_sample.delete", sample, {
        "incident_id": sample.incident_id, "metric": sample.metric,
        "at": sample.at, "value": sample.value})
    db.session.delete(sample)
    db.session.flush()


def clean_range(data: Any) -> dict[str, Any]:
    """A metric and an optional time range (`from`, `to`, both inclusive)."""
    fields = Fields(data)
    fields.text("metric", 32, required=True)
    fields.time("from")
    fields.time("to")
    values = fields.result()
    if values["from"] and values["to"] and values["from"] > values["to"]:
        raise ValidationError({"to": "must not be before From"})
    return values


def delete_range(incident: Incident, data: Any, actor: User) -> int:
    """Remove the samples of one metric, within a time range if given; how
    many went."""
    values = clean_range(data)
    query = sa.delete(ImpactSample).where(ImpactSample.incident_id == incident.id,
                                          ImpactSample.metric == values["metric"])
    if values["from"]:
        query = query.where(ImpactSample.at >= values["from"])
    if values["to"]:
        query = query.where(ImpactSample.at <= values["to"])
    deleted = db.session.execute(query.execution_options(
        synchronize_session="fetch")).rowcount
    page_state.touch(incident)  # a bulk delete passes the page hook by
    audit.record(actor, "impact_sample.delete_range", incident, {
        "metric": values["metric"], "from": values["from"], "to": values["to"],
        "count": deleted})
    return deleted
