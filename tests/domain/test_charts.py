"""The impact chart: well-formed, accessible SVG with a panel per metric."""

import re
import xml.etree.ElementTree as ET

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
