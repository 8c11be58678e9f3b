"""The impact chart: one small panel per metric, drawn as plain SVG 1.1.

Metrics come in different units (reports per interval, percent, milliseconds),
so each gets its own panel and y scale on a shared time axis: the spike in user
reports and the gradual recovery in users restored both stay readable. Only
SVG presentation attributes are used (the Content-Security-Policy forbids style
attributes and <style> blocks) and the same markup renders in WeasyPrint.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from postmortem.domain.impact import series
from postmortem.domain.vocabulary import KNOWN_METRICS
from postmortem.models import ImpactSample, Incident

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
INK, MUTED, GRID = "#1d2330", "#4f5868", "#e3e6eb"
COLOURS = {
    "user_reports": "#b3420e",
    "error_rate": "#b0182b",
    "percent_restored": "#1b7340",
    "latency_ms": "#6a3fb0",
    "requests_per_second": "#1f5fbf",
}
PALETTE = ("#1f5fbf", "#8a5a00", "#0f6b73", "#9c2a7a", "#4f5868")
# Milestone markers differ by dash pattern as well as colour, for print and
# for readers who do not tell the colours apart.
MARKERS = (
    ("detected_at", "Detected", "#8a5a00", "2 3"),
    ("mitigated_at", "Mitigated", "#1f5fbf", "6 3"),
    ("resolved_at", "Resolved", "#1b7340", "10 3 2 3"),
)
# Metrics where higher means better: the summary says how far they rose.
RISING = {"percent_restored"}
# Tick steps, by the span shown: (kind, size). Minutes and days are aligned to
# a Monday midnight, months and years to the calendar.
TICK_STEPS = (
    *(("minutes", m) for m in (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720)),
    ("days", 1), ("days", 2), ("days", 7), ("days", 14),
    ("months", 1), ("months", 2), ("months", 3), ("months", 6),
    *(("years", y) for y in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)),
)
PAD, GAP, LEFT, TITLE_H, AXIS_H, LEGEND_H = 8, 14, 62, 20, 18, 26
MIN_PANEL_H = 150
AXIS_FONT = 11
# Average advance of a character of the axis font, in ems, and the space kept
# between two tick labels: labels are laid out from these, so never overlap.
CHAR_EM, LABEL_GAP = 0.62, 10
# Beyond these the chart stops growing with the data: a panel per metric up to
# MAX_PANELS, and per panel at most two points (lowest, highest) per pixel.
MAX_PANELS = 12
# Samples are validated to this magnitude; anything larger (imported, written
# by SQL, an older version) is drawn at the limit rather than breaking the scale.
VALUE_LIMIT = 1e15
# The page's chart box is about 700 px wide on a laptop and 300 px on a 390 px
# phone: drawn at those widths, 11 px labels show at 11 px or more.
WIDE_WIDTH, NARROW_WIDTH = 700, 300

Points = list[tuple[datetime, float]]


@dataclass(frozen=True)
class Frame:
    """Where a panel's plot area sits and the time span it shows."""

    x: float
    y: float
    w: float
    h: float
    start: datetime
    end: datetime
    low: float = 0.0
    top: float = 1.0

    def at(self, moment: datetime) -> float:
        span = (self.end - self.start).total_seconds()
        return self.x + self.w * (moment - self.start).total_seconds() / span

    def level(self, value: float) -> float:
        clamped = max(self.low, min(value, self.top))
        return self.y + self.h * (self.top - clamped) / (self.top - self.low)


def metric_label(metric: str) -> str:
    return KNOWN_METRICS.get(metric) or metric.replace("_", " ").capitalize()


def _unit(metric: str) -> str:
    if metric in ("error_rate", "percent_restored") or "percent" in metric:
        return "%"
    if metric.endswith("_ms"):
        return " ms"
    return ""


def format_value(value: float, metric: str) -> str:
    """4210 -> "4,210", 99.5 -> "99.5%", 850 -> "850 ms"."""
    if not math.isfinite(value):
        return str(value) + _unit(metric)
    if value == int(value) or abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text + _unit(metric)


def axis_value(value: float, metric: str) -> str:
    """A y-axis label short enough for the margin: 2,500,000 -> "2.5M"."""
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= size:
            return f"{value / size:,.3g}{suffix}{_unit(metric)}"
    return format_value(value, metric)


def _clock(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M")


def _shift(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, stopping at the first or last representable time."""
    try:
        return moment + delta
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if delta > timedelta(0) \
            else datetime.min.replace(tzinfo=UTC)


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * exponent >= value:
            return step * exponent
    return 10 * exponent  # pragma: no cover  (the loop ends at 10)


def value_range(values: list[float]) -> tuple[float, float]:
    """A y range from zero (or a round negative) to a round number above the
    highest value, so "4,210 reports" sits under a "5,000" gridline."""
    low = -_nice_ceiling(-min(values)) if min(values) < 0 else 0.0
    top = _nice_ceiling(max(values)) if max(values) > 0 else 0.0
    if top == low:
        top = 1.0
    return low, top


def _summary(metric: str, points: Points) -> str:
    # "Error rate (%)" reads badly in a sentence that already says "61%".
    label = metric_label(metric).split(" (")[0]
    top_at, top = max(points, key=lambda p: p[1])
    first_at, first = points[0]
    last_at, last = points[-1]
    if metric in RISING:
        return (f"{label} reached {format_value(top, metric)} at {_clock(top_at)} "
                f"UTC, from {format_value(first, metric)} at {_clock(first_at)}")
    return (f"{label} peaked at {format_value(top, metric)} at {_clock(top_at)} "
            f"UTC, then {format_value(last, metric)} at {_clock(last_at)}")


def _markers(incident: Incident | None) -> list[tuple[str, str, str, str, datetime]]:
    if incident is None:
        return []
    return [(name, label, colour, dash, getattr(incident, name))
            for name, label, colour, dash in MARKERS
            if getattr(incident, name, None) is not None]


def _drawable(value: float) -> float | None:
    if math.isnan(value):
        return None
    return max(-VALUE_LIMIT, min(value, VALUE_LIMIT))


def ordered_series(samples: Sequence[ImpactSample]) -> dict[str, Points]:
    """{metric: points}, the known metrics first in the order people read them
    (reports spike, errors, recovery, latency), then the others by name.

    NaN has no place on a chart and is left out; infinities and other values
    past VALUE_LIMIT are drawn at the limit.
    """
    data = {}
    for metric, points in series(list(samples)).items():
        drawable = [(at, value) for at, raw in points
                    if (value := _drawable(float(raw))) is not None]
        if drawable:
            data[metric] = drawable
    rank = {metric: index for index, metric in enumerate(KNOWN_METRICS)}
    return {metric: data[metric]
            for metric in sorted(data, key=lambda m: (rank.get(m, len(rank)), m))}


def describe(data: dict[str, Points], incident: Incident | None = None,
             hidden: int = 0) -> str:
    """One paragraph saying what the chart shows, for screen readers and <desc>."""
    sentences = [_summary(metric, points) for metric, points in data.items()]
    if hidden:
        sentences.append(f"{hidden} more metric{'s' if hidden > 1 else ''} "
                         "not drawn")
    marks = [f"{label.lower()} at {_clock(at)}"
             for _n, label, _c, _d, at in _markers(incident)]
    if marks:
        sentences.append("Incident " + ", ".join(marks) + " UTC")
    return ". ".join(sentences) + "."


def _time_span(data: dict[str, Points], incident: Incident | None):
    moments = [at for points in data.values() for at, _v in points]
    moments += [m[4] for m in _markers(incident)]
    start, end = min(moments), max(moments)
    if end - start < timedelta(minutes=10):
        start = _shift(start, -timedelta(minutes=5))
        end = _shift(end, timedelta(minutes=5))
    return start, end


STEP_SECONDS = {"minutes": 60, "days": 86_400, "months": 2_629_746,
                "years": 31_556_952}
LABEL_CHARS = {"minutes": 6, "days": 6, "months": 8, "years": 5}
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday at midnight


def _label(tick: datetime, kind: str) -> str:
    if kind == "years":
        return str(tick.year)
    if kind == "months":
        return tick.strftime("%b ") + str(tick.year)
    if kind == "days" or tick.hour == tick.minute == 0:
        return tick.strftime("%d %b")
    return _clock(tick)


def _label_width(label: str, font_size: float = AXIS_FONT) -> float:
    return len(label) * font_size * CHAR_EM


def _step(start: datetime, end: datetime, width: float) -> tuple[str, int]:
    """The smallest step whose labels fit side by side in `width` pixels."""
    span = (end - start).total_seconds()
    for kind, size in TICK_STEPS:
        slot = _label_width("x" * LABEL_CHARS[kind]) + LABEL_GAP
        if span / (STEP_SECONDS[kind] * size) <= max(1.0, width / slot - 1):
            return kind, size
    return TICK_STEPS[-1]


def _calendar_ticks(start: datetime, end: datetime, months: int,
                    limit: int) -> list[datetime]:
    index = start.year * 12 + start.month - 1
    index = math.ceil(index / months) * months
    ticks: list[datetime] = []
    while len(ticks) < limit:
        year, month = divmod(index, 12)
        if year > 9999:
            break
        tick = datetime(year, month + 1, 1, tzinfo=UTC)
        if tick > end:
            break
        if tick >= start:
            ticks.append(tick)
        index += months
    return ticks


def _ticks(start: datetime, end: datetime, width: float) -> list[tuple[datetime, str]]:
    """Tick times and labels: at most as many as fit `width`, none overlapping."""
    kind, size = _step(start, end, width)
    limit = int(width // (_label_width("x" * LABEL_CHARS[kind]) + LABEL_GAP)) + 2
    if kind in ("months", "years"):
        months = size * (12 if kind == "years" else 1)
        ticks = _calendar_ticks(start, end, months, limit)
    else:
        step = timedelta(minutes=size) if kind == "minutes" else timedelta(days=size)
        ticks = []
        try:
            first = EPOCH + step * math.ceil((start - EPOCH) / step)
        except OverflowError:  # the first aligned tick falls after year 9999
            return []
        while first <= end and len(ticks) < limit:
            ticks.append(first)
            if first > datetime.max.replace(tzinfo=UTC) - step:
                break
            first += step
    return [(tick, _label(tick, kind)) for tick in ticks]


def _attrs(**attrs: object) -> str:
    return " ".join(f'{name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
                    for name, value in attrs.items())


def _tag(name: str, title: str | None = None, **attrs: object) -> str:
    """An element; a `title` becomes its tooltip and accessible name."""
    if title is None:
        return f"<{name} {_attrs(**attrs)}/>"
    return f"<{name} {_attrs(**attrs)}><title>{escape(title)}</title></{name}>"


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    attrs.setdefault("fill", MUTED)
    attrs.setdefault("font_size", 11)
    head = _attrs(x=f"{x:.1f}", y=f"{y:.1f}", **attrs)
    return f"<text {head}>{escape(content)}</text>"


def _line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    return _tag("line", x1=f"{x1:.1f}", y1=f"{y1:.1f}", x2=f"{x2:.1f}",
                y2=f"{y2:.1f}", **attrs)


def _axes(frame: Frame, metric: str) -> list[str]:
    bottom, right = frame.y + frame.h, frame.x + frame.w
    parts = []
    for value in (frame.top, (frame.top + frame.low) / 2, frame.low):
        y = frame.level(value)
        parts.append(_line(frame.x, y, right, y, stroke=GRID))
        parts.append(_text(frame.x - 5, y + 4, axis_value(value, metric),
                           text_anchor="end"))
    zero = frame.level(0)
    parts.append(_line(frame.x, zero, right, zero, stroke=MUTED))
    last_right = -math.inf
    for tick, label in _ticks(frame.start, frame.end, frame.w):
        x = frame.at(tick)
        half = _label_width(label) / 2
        # A midnight label ("17 Nov") is wider than the clock times around it.
        if x - half < last_right + LABEL_GAP / 2:
            continue
        last_right = x + half
        parts.append(_line(x, bottom, x, bottom + 4, stroke=MUTED))
        parts.append(_text(x, bottom + 15, label, text_anchor="middle"))
    return parts


def thin(frame: Frame, points: Points) -> Points:
    """At most the lowest and the highest point of each pixel column, in time
    order: the line looks the same and a spike is never lost."""
    if len(points) <= 2 * frame.w:
        return points
    kept: Points = []
    column: Points = []
    current = None
    for point in points:
        x = int(frame.at(point[0]))
        if x != current and column:
            kept += _extremes(column)
            column = []
        current = x
        column.append(point)
    return kept + _extremes(column)


def _extremes(column: Points) -> Points:
    low = min(column, key=lambda p: p[1])
    high = max(column, key=lambda p: p[1])
    return sorted({low, high}, key=lambda p: p[0])


def _series(frame: Frame, metric: str, points: Points, colour: str) -> list[str]:
    coords = [(frame.at(at), frame.level(value)) for at, value in thin(frame, points)]
    line = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
                    for i, (x, y) in enumerate(coords))
    zero = frame.level(0)
    area = f"{line} L{coords[-1][0]:.1f},{zero:.1f} L{coords[0][0]:.1f},{zero:.1f} Z"
    top_at, top_value = max(points, key=lambda p: p[1])
    return [
        _tag("path", d=area, fill=colour, fill_opacity="0.12"),
        _tag("path", metric_label(metric), class_="series", d=line, fill="none",
             stroke=colour, stroke_width=2, stroke_linejoin="round"),
        # Marks the peak, and keeps a lone sample visible (a one-point path is not).
        _tag("circle", cx=f"{frame.at(top_at):.1f}",
             cy=f"{frame.level(top_value):.1f}", r=3, fill="#fff", stroke=colour,
             stroke_width=2),
    ]


def _marker_lines(frame: Frame, incident: Incident | None) -> list[str]:
    parts = []
    for _name, label, colour, dash, at in _markers(incident):
        x = frame.at(at)
        parts.append(_tag("line", f"{label} {_clock(at)} UTC", class_="milestone",
                          x1=f"{x:.1f}", y1=f"{frame.y:.1f}", x2=f"{x:.1f}",
                          y2=f"{frame.y + frame.h:.1f}", stroke=colour,
                          stroke_width="1.5", stroke_dasharray=dash))
    return parts


def _heading(metric: str, points: Points, frame: Frame) -> str:
    """"Users restored (%) · reached 100% at 12:00", shortened to fit the panel."""
    top_at, top_value = max(points, key=lambda p: p[1])
    verb = "reached" if metric in RISING else "peak"
    label, peak = metric_label(metric), f"{verb} {format_value(top_value, metric)}"
    fits = int((frame.w + LEFT) / (12 * CHAR_EM * 1.05))  # bold runs wider
    for heading in (f"{label} · {peak} at {_clock(top_at)}", f"{label} · {peak}",
                    label):
        if len(heading) <= fits:
            return heading
    return label[:max(1, fits - 1)] + "…"


def _panel(frame: Frame, metric: str, points: Points, colour: str,
           incident: Incident | None) -> str:
    parts = [f'<g {_attrs(class_="panel")}>',
             _text(frame.x - LEFT + 4, frame.y - 8, _heading(metric, points, frame),
                   fill=INK, font_size=12, font_weight="bold")]
    parts += _axes(frame, metric)
    parts += _marker_lines(frame, incident)
    parts += _series(frame, metric, points, colour)
    parts.append("</g>")
    return "\n".join(parts)


def _legend_items(incident: Incident | None, day: datetime) -> list[tuple]:
    """(width, label, colour, dash) per legend entry; colour None for plain text."""
    items = [(200, day.strftime("Times in UTC, %a %d %b %Y"), None, None)]
    items += [(130, f"{label} {_clock(at)}", colour, dash)
              for _name, label, colour, dash, at in _markers(incident)]
    return items


def _legend(items: list[tuple], width: float, top: float) -> tuple[str, float]:
    """The legend laid out in as many lines as `width` needs, and its height."""
    parts, x, y = [], PAD + 4, top + LEGEND_H / 2
    for item_width, label, colour, dash in items:
        if x + item_width > width and x > PAD + 4:
            x, y = PAD + 4, y + LEGEND_H - 6
        if colour is None:
            parts.append(_text(x, y + 4, label))
        else:
            parts.append(_line(x, y, x + 22, y, stroke=colour, stroke_width=2,
                               stroke_dasharray=dash))
            parts.append(_text(x + 27, y + 4, label, fill=INK))
        x += item_width
    return "\n".join(parts), y + LEGEND_H / 2 - top


def _svg(width: float, height: float, title: str, desc: str, body: str,
         id_: str) -> Markup:
    head = _attrs(xmlns="http://www.w3.org/2000/svg", version="1.1",
                  class_="impact-chart", width=int(width), height=int(height),
                  viewBox=f"0 0 {int(width)} {int(height)}", role="img",
                  aria_labelledby=f"{id_}-title", aria_describedby=f"{id_}-desc",
                  font_family=FONT)
    return Markup(  # noqa: S704  (every interpolated text went through escape)
        f"<svg {head}>\n<title id=\"{escape(id_)}-title\">{escape(title)}</title>\n"
        f"<desc id=\"{escape(id_)}-desc\">{escape(desc)}</desc>\n{body}\n</svg>")


def _empty(width: int, id_: str) -> Markup:
    message = "No impact samples yet"
    body = (_tag("rect", x=0.5, y=0.5, width=width - 1, height=47, rx=6,
                 fill="#f6f7f9", stroke=GRID) + "\n"
            + _text(width / 2, 29, message, text_anchor="middle", font_size=13))
    return _svg(width, 48, "Impact over time", message + ".", body, id_)


def impact_chart(samples: Sequence[ImpactSample], incident: Incident | None = None,
                 width: int = 760, height: int = 280, narrow: bool = False) -> Markup:
    """An accessible SVG of the impact samples: one panel per metric on a shared
    UTC time axis, with the incident's milestones marked. Its size and the work
    to draw it follow `width` and the number of metrics, never the samples'
    times, values or count."""
    id_ = f"impact-chart-{incident.id}" if incident is not None and incident.id \
        else "impact-chart"
    if narrow:
        id_ += "-narrow"
    data = ordered_series(samples)
    if not data:
        return _empty(width, id_)
    hidden = max(0, len(data) - MAX_PANELS)
    data = dict(list(data.items())[:MAX_PANELS])
    # Side by side only where each panel keeps a readable width.
    columns = 1 if len(data) == 1 or width < 560 else 2
    rows = math.ceil(len(data) / columns)
    cell_h = max((height - LEGEND_H - PAD) // rows, MIN_PANEL_H)
    cell_w = (width - 2 * PAD - GAP * (columns - 1)) / columns
    start, end = _time_span(data, incident)
    panels = []
    for index, (metric, points) in enumerate(data.items()):
        row, column = divmod(index, columns)
        low, top = value_range([value for _at, value in points])
        frame = Frame(x=PAD + column * (cell_w + GAP) + LEFT,
                      y=PAD + row * cell_h + TITLE_H + 4,
                      w=cell_w - LEFT - 10, h=cell_h - TITLE_H - AXIS_H - 16,
                      start=start, end=end, low=low, top=top)
        colour = COLOURS.get(metric) or PALETTE[index % len(PALETTE)]
        panels.append(_panel(frame, metric, points, colour, incident))
    legend, legend_h = _legend(_legend_items(incident, start), width,
                               PAD + rows * cell_h)
    panels.append(legend)
    total_h = math.ceil(PAD + rows * cell_h + legend_h)
    title = "Impact over time"
    if incident is not None and incident.title:
        title += f": {incident.title}"
    return _svg(width, total_h, title, describe(data, incident, hidden),
                "\n".join(panels), id_)


def responsive_chart(samples: Sequence[ImpactSample],
                     incident: Incident | None = None) -> Markup:
    """The chart twice: for wide screens, and laid out for a phone, so its labels
    stay readable when scaled to the screen. The stylesheet shows one of them
    (`.impact-chart-wide`, `.impact-chart-narrow`)."""
    wide = impact_chart(samples, incident, width=WIDE_WIDTH)
    narrow = impact_chart(samples, incident, width=NARROW_WIDTH, narrow=True)
    return Markup(  # noqa: S704  (both are Markup built from escaped text)
        f'<div class="impact-chart-wide">{wide}</div>\n'
        f'<div class="impact-chart-narrow">{narrow}</div>')
