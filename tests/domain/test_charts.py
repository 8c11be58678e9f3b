"""The impact chart: well-formed, accessible SVG with a panel per metric."""

import itertools
import math
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string
from markupsafe import Markup

from postmortem.domain import charts
from postmortem.models import ImpactSample, Incident
from tests.factories import at

NS = {"svg": "http://www.w3.org/2000/svg"}
REPORTS = [0, 400, 1800, 3100, 3900, 4210, 3600, 2500, 1400, 700, 300, 120]
RESTORED = [0, 0, 0, 0, 5, 20, 45, 70, 90, 100, 100, 100]


def samples(**series):
    """ImpactSamples every 5 minutes from 09:00 for each named list of values."""
    return [ImpactSample(metric=metric, at=at(5 * i), value=value)
            for metric, values in series.items() for i, value in enumerate(values)]


def demo_incident(**fields):
    values = {"title": "API & website down", "started_at": at(0),
              "detected_at": at(4), "mitigated_at": at(40),
              "resolved_at": at(55)} | fields
    return Incident(id=7, **values)


def parse(svg):
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))  # noqa: S314  (our own output)


def series_paths(root):
    return root.findall(".//svg:path[@class='series']", NS)


def points(path):
    return [(float(x), float(y))
            for x, y in re.findall(r"[ML]([\d.]+),([\d.]+)", path.get("d"))]


def test_chart_is_well_formed_accessible_svg():
    root = parse(charts.impact_chart(samples(user_reports=REPORTS), demo_incident()))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("version") == "1.1"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert root.get("aria-labelledby") == title.get("id") == "impact-chart-7-title"
    assert root.get("aria-describedby") == desc.get("id")
    assert title.text == "Impact over time: API & website down"
    assert "User reports peaked at 4,210 at 09:25 UTC" in desc.text
    assert "detected at 09:04, mitigated at 09:40, resolved at 09:55 UTC" in desc.text


def test_one_panel_and_line_per_metric_with_its_own_scale():
    root = parse(charts.impact_chart(samples(
        user_reports=REPORTS, percent_restored=RESTORED,
        latency_ms=[900, 4100, 3800, 2000, 1200, 950, 900, 900, 880, 870, 860, 850],
        error_rate=[0.3, 62, 61, 60, 40, 20, 8, 4, 3.5, 1, 0.4, 0.3])))
    paths = series_paths(root)
    assert [p.find("svg:title", NS).text for p in paths] == [
        "User reports", "Error rate (%)", "Users restored (%)", "Latency (ms)"]
    assert len(root.findall("svg:g[@class='panel']", NS)) == 4
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"5,000", "80%", "100%", "5,000 ms"} <= set(labels)
    assert "09:00" in labels and "09:30" in labels
    assert any("Times in UTC, Mon 16 Nov 2026" == label for label in labels)
    desc = root.find("svg:desc", NS).text
    assert "Users restored reached 100% at 09:45 UTC, from 0% at 09:00" in desc
    assert "Latency peaked at 4,100 ms at 09:05 UTC, then 850 ms at 09:55" in desc
    assert "Error rate peaked at 62% at 09:05 UTC" in desc


def test_the_spike_and_the_recovery_are_drawn():
    root = parse(charts.impact_chart(samples(user_reports=REPORTS,
                                             percent_restored=RESTORED)))
    reports, restored = (points(p) for p in series_paths(root))
    assert len(reports) == len(REPORTS) and len(restored) == len(RESTORED)
    xs = [x for x, _y in reports]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    heights = [y for _x, y in reports]
    # SVG y grows downwards: the highest point is the 4,210 peak at 09:25.
    assert heights.index(min(heights)) == REPORTS.index(max(REPORTS))
    rising = [y for _x, y in restored]
    assert rising == sorted(rising, reverse=True) and rising[0] > rising[-1]


def test_milestone_markers_in_time_order():
    root = parse(charts.impact_chart(samples(user_reports=REPORTS,
                                             percent_restored=RESTORED),
                                     demo_incident()))
    markers = root.findall(".//svg:line[@class='milestone']", NS)
    assert [m.find("svg:title", NS).text for m in markers] == [
        "Detected 09:04 UTC", "Mitigated 09:40 UTC", "Resolved 09:55 UTC"] * 2
    xs = [float(m.get("x1")) for m in markers[:3]]
    assert xs == sorted(xs)
    assert all(m.get("x1") == m.get("x2") for m in markers)


def test_only_milestones_that_happened_are_marked():
    incident = demo_incident(mitigated_at=None, resolved_at=None)
    root = parse(charts.impact_chart(samples(user_reports=REPORTS), incident))
    markers = root.findall(".//svg:line[@class='milestone']", NS)
    assert [m.find("svg:title", NS).text for m in markers] == ["Detected 09:04 UTC"]
    no_incident = parse(charts.impact_chart(samples(user_reports=REPORTS)))
    assert no_incident.findall(".//svg:line[@class='milestone']", NS) == []
    assert no_incident.find("svg:title", NS).text == "Impact over time"


def test_no_samples_says_so():
    svg = charts.impact_chart([], demo_incident())
    root = parse(svg)
    assert root.get("role") == "img"
    assert "No impact samples yet" in svg
    assert series_paths(root) == []
    assert root.find("svg:desc", NS).text == "No impact samples yet."


def test_odd_metric_names_and_titles_are_escaped():
    odd = [ImpactSample(metric='<script>alert("x")</script>&', at=at(0), value=5),
           ImpactSample(metric='<script>alert("x")</script>&', at=at(5), value=-20)]
    incident = demo_incident(title="</title><script>alert(1)</script>")
    svg = charts.impact_chart(odd, incident)
    assert "<script" not in svg
    root = parse(svg)
    assert root.find(".//{http://www.w3.org/2000/svg}script") is None
    assert root.find("svg:title", NS).text == (
        "Impact over time: </title><script>alert(1)</script>")
    assert series_paths(root)[0].find("svg:title", NS).text == (
        '<script>alert("x")</script>&')
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "-20" in labels  # a negative value gets a scale below zero


def test_no_inline_styles_for_the_content_security_policy():
    svg = charts.impact_chart(samples(user_reports=REPORTS), demo_incident())
    root = parse(svg)
    assert all("style" not in element.attrib for element in root.iter())
    assert root.find(".//{http://www.w3.org/2000/svg}style") is None
    assert "style=" not in svg


def test_a_lone_sample_stays_visible():
    root = parse(charts.impact_chart(samples(user_reports=[12])))
    assert len(points(series_paths(root)[0])) == 1
    circle = root.find(".//svg:circle", NS)
    assert circle is not None and circle.get("r") == "3"


def heading_positions(root):
    return [(float(t.get("x")), float(t.get("y")))
            for t in root.findall("svg:g[@class='panel']/svg:text[1]", NS)]


def test_panels_sit_side_by_side_only_when_wide_enough():
    two = samples(user_reports=REPORTS, error_rate=REPORTS)
    (x1, y1), (x2, y2) = heading_positions(parse(charts.impact_chart(two)))
    assert y1 == y2 and x2 > x1
    narrow = parse(charts.impact_chart(two, width=400))
    assert narrow.get("width") == "400"
    (x1, y1), (x2, y2) = heading_positions(narrow)
    assert x1 == x2 and y2 > y1


def test_markup_is_not_escaped_again_in_templates():
    html = render_template_string("<div>{{ chart }}</div>", chart=charts.impact_chart(
        samples(user_reports=REPORTS)))
    assert html.startswith("<div><svg ")


def test_value_format_and_range():
    assert charts.format_value(4210, "user_reports") == "4,210"
    assert charts.format_value(99.5, "percent_restored") == "99.5%"
    assert charts.format_value(0.25, "error_rate") == "0.25%"
    assert charts.format_value(850, "latency_ms") == "850 ms"
    assert charts.value_range([0, 4210]) == (0, 5000)
    assert charts.value_range([0, 0]) == (0, 1)
    assert charts.value_range([-30, 12]) == (-30, 12)
    assert charts.value_range([-0.5, -0.2]) == (-0.5, 0)


# ---- Bounded by the pixel width, whatever the data ----------------------------

FAR_FUTURE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
YEAR_ONE = datetime(1, 1, 1, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def tick_labels(root):
    return [t for t in root.iter(SVG + "text") if t.get("text-anchor") == "middle"]


def assert_ticks_readable(root, width):
    """Tick labels never overlap, and there are no more than fit the width."""
    panels = root.findall("svg:g[@class='panel']", NS)
    for panel in panels:
        labels = [t for t in panel.iter(SVG + "text")
                  if t.get("text-anchor") == "middle"]
        assert len(labels) <= width // 40
        boxes = sorted((float(t.get("x")) - charts._label_width(t.text) / 2,
                        float(t.get("x")) + charts._label_width(t.text) / 2)
                       for t in labels)
        for (_l1, right), (left, _r2) in itertools.pairwise(boxes):
            assert left >= right, [t.text for t in labels]


def assert_finite_coordinates(svg):
    assert not re.search(r"nan|inf", str(svg), re.IGNORECASE)


@pytest.mark.parametrize("outlier", [FAR_FUTURE, YEAR_ONE], ids=["9999", "0001"])
def test_one_far_sample_keeps_the_chart_small(outlier):
    data = samples(user_reports=REPORTS) + [
        ImpactSample(metric="user_reports", at=outlier, value=1)]
    svg = charts.impact_chart(data, demo_incident())
    assert len(svg) < 20_000  # 17 MB before, for year 1; a 500 for 9999
    root = parse(svg)
    assert_ticks_readable(root, 760)
    assert_finite_coordinates(svg)
    years = [t.text for t in tick_labels(root)]
    assert years and all(label.isdigit() for label in years)


@pytest.mark.parametrize("moments", [
    [FAR_FUTURE], [YEAR_ONE], [YEAR_ONE, FAR_FUTURE],
    [FAR_FUTURE - timedelta(seconds=1), FAR_FUTURE],
    [YEAR_ONE, YEAR_ONE + timedelta(minutes=1)],
], ids=["only-9999", "only-0001", "0001-to-9999", "last-second", "first-minute"])
@pytest.mark.parametrize("width", [300, 760])
def test_times_at_the_edges_of_the_calendar(moments, width):
    data = [ImpactSample(metric="error_rate", at=moment, value=5.0)
            for moment in moments]
    svg = charts.impact_chart(data, width=width)
    assert len(svg) < 10_000
    assert_ticks_readable(parse(svg), width)
    assert_finite_coordinates(svg)


@pytest.mark.parametrize(("span", "expected"), [
    (timedelta(minutes=40), "09:10"), (timedelta(hours=50), "17 Nov"),
    (timedelta(days=300), "Jan 2027"), (timedelta(days=3650), "2030"),
])
@pytest.mark.parametrize("width", [300, 760, 1400])
def test_tick_steps_follow_the_span_and_labels_never_overlap(span, expected, width):
    steps = 500
    data = [ImpactSample(metric="user_reports", at=at(0) + span * i / steps,
                         value=i % 37) for i in range(steps + 1)]
    root = parse(charts.impact_chart(data, width=width))
    assert_ticks_readable(root, width)
    labels = [t.text for t in tick_labels(root)]
    assert len(labels) >= 2
    if width == 760:
        assert expected in labels


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e308, -1e308])
def test_values_that_bypassed_validation_are_drawn_within_the_panel(value):
    data = samples(error_rate=[1, 2, 3]) + [
        ImpactSample(metric="error_rate", at=at(20), value=value)]
    svg = charts.impact_chart(data)
    assert_finite_coordinates(svg)
    root = parse(svg)
    drawn = points(series_paths(root)[0])
    assert len(drawn) == (3 if math.isnan(value) else 4)


def test_thousands_of_points_are_thinned_to_the_width_keeping_the_spike():
    values = [(i * 7919) % 100 for i in range(20_000)]
    values[12_345] = 5_000  # one spike among twenty thousand samples
    data = [ImpactSample(metric="user_reports", at=at(0) + timedelta(seconds=i),
                         value=v) for i, v in enumerate(values)]
    svg = charts.impact_chart(data, width=760)
    assert len(svg) < 60_000
    root = parse(svg)
    drawn = points(series_paths(root)[0])
    assert len(drawn) <= 2 * 760
    highest = min(y for _x, y in drawn)
    assert sum(1 for _x, y in drawn if y == highest) == 1
    assert "peaked at 5,000" in root.find("svg:desc", NS).text


def test_many_metrics_are_capped_and_the_rest_counted():
    data = [ImpactSample(metric=f"metric_{n:03}", at=at(i), value=i)
            for n in range(40) for i in range(3)]
    root = parse(charts.impact_chart(data))
    assert len(root.findall("svg:g[@class='panel']", NS)) == charts.MAX_PANELS
    assert "28 more metrics not drawn" in root.find("svg:desc", NS).text


def test_responsive_chart_has_a_wide_and_a_phone_layout():
    html = str(charts.responsive_chart(samples(user_reports=REPORTS,
                                               error_rate=REPORTS),
                                       demo_incident()))
    wide, narrow = (ET.fromstring(part)  # noqa: S314  (our own output)
                    for part in re.findall(r"<svg .*?</svg>", html, re.DOTALL))
    assert wide.get("width") == str(charts.WIDE_WIDTH)
    assert narrow.get("width") == str(charts.NARROW_WIDTH)
    assert wide.get("aria-labelledby") != narrow.get("aria-labelledby")
    for root, width in ((wide, charts.WIDE_WIDTH), (narrow, charts.NARROW_WIDTH)):
        assert min(float(t.get("font-size")) for t in root.iter(SVG + "text")) >= 11
        assert_ticks_readable(root, width)
        # Headings are shortened rather than cut off at the panel's edge.
        for heading in root.findall("svg:g[@class='panel']/svg:text[1]", NS):
            assert charts._label_width(heading.text, 12) * 1.05 <= width
