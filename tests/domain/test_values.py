"""Parsing raw input: times with zones, enums, numbers, strings, URLs, slugs."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from postmortem.domain.errors import ValidationError
from postmortem.domain.values import Fields, parse_time


def clean(data, method, *args, partial=False, **kwargs):
    """The cleaned values of one field, or its error message."""
    fields = Fields(data, partial=partial)
    getattr(fields, method)("v", *args, **kwargs)
    try:
        return fields.result()
    except ValidationError as exc:
        return exc.fields


@pytest.mark.parametrize("raw, expected", [
    ("2026-11-16T09:00:00Z", datetime(2026, 11, 16, 9, tzinfo=UTC)),
    ("2026-11-16T09:00:00z", datetime(2026, 11, 16, 9, tzinfo=UTC)),
    ("2026-11-16T10:30:00+01:30", datetime(2026, 11, 16, 9, tzinfo=UTC)),
    ("2026-11-16T01:00:00-08:00", datetime(2026, 11, 16, 9, tzinfo=UTC)),
    (" 2026-11-16 09:00:00.250000+00:00 ",
     datetime(2026, 11, 16, 9, 0, 0, 250000, tzinfo=UTC)),
    (datetime(2026, 11, 16, 18, tzinfo=timezone(timedelta(hours=9))),
     datetime(2026, 11, 16, 9, tzinfo=UTC)),
])
def test_parse_time_converts_every_zone_to_utc(raw, expected):
    parsed = parse_time(raw)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize("raw, message", [
    ("2026-11-16T09:00:00", "must include a time zone, e.g. Z or +00:00"),
    (datetime(2026, 11, 16, 9), "must include a time zone, e.g. Z or +00:00"),
    ("2026-11-16", "must include a time zone, e.g. Z or +00:00"),
    ("Monday 9am", "must be an ISO 8601 time, e.g. 2026-11-16T09:00:00Z"),
    ("2026-13-01T00:00:00Z", "must be an ISO 8601 time, e.g. 2026-11-16T09:00:00Z"),
    (1763283600, "must be an ISO 8601 time string"),
    (["2026-11-16T09:00:00Z"], "must be an ISO 8601 time string"),
])
def test_parse_time_refuses_what_is_not_an_aware_time(raw, message):
    with pytest.raises(ValueError) as caught:
        parse_time(raw)
    assert str(caught.value) == message


def test_time_field_reports_by_name():
    assert clean({"v": "09:00"}, "time") == {
        "v": "must be an ISO 8601 time, e.g. 2026-11-16T09:00:00Z"}
    assert clean({}, "time", required=True) == {"v": "is required"}
    assert clean({"v": ""}, "time", default="D") == {"v": "D"}


def test_body_must_be_a_mapping():
    for body in (None, [], "text", 3):
        with pytest.raises(ValidationError) as caught:
            Fields(body)
        assert caught.value.fields == {"body": "must be a JSON object"}


def test_missing_fields_get_defaults_unless_partial():
    assert clean({}, "text", 10, default="x") == {"v": "x"}
    assert clean({}, "text", 10, partial=True) == {}
    assert clean({}, "text", 10, required=True, partial=True) == {}
    assert clean({"v": None}, "text", 10, required=True, partial=True) == {
        "v": "is required"}


@pytest.mark.parametrize("raw, expected", [
    ("  padded  ", {"v": "padded"}),
    ("x" * 10, {"v": "x" * 10}),
    ("x" * 11, {"v": "must be at most 10 characters"}),
    ("   ", {"v": "is required"}),
    (None, {"v": "is required"}),
    (12, {"v": "must be a string"}),
    (["a"], {"v": "must be a string"}),
])
def test_text(raw, expected):
    assert clean({"v": raw}, "text", 10, required=True) == expected


@pytest.mark.parametrize("raw, expected", [
    ("SEV1", {"v": "SEV1"}),
    ("sev1", {"v": "must be one of: SEV1, SEV2"}),
    ("SEV9", {"v": "must be one of: SEV1, SEV2"}),
    (1, {"v": "must be one of: SEV1, SEV2"}),
    ("", {"v": "SEV2"}),
])
def test_choice(raw, expected):
    assert clean({"v": raw}, "choice", ("SEV1", "SEV2"), default="SEV2") == expected


@pytest.mark.parametrize("raw, kwargs, expected", [
    ("42", {}, {"v": 42.0}),
    (" 4.5 ", {}, {"v": 4.5}),
    (7, {"integer": True}, {"v": 7}),
    ("7.0", {"integer": True}, {"v": 7}),
    (7.5, {"integer": True}, {"v": "must be a whole number"}),
    (-1, {"minimum": 0}, {"v": "must be at least 0"}),
    (101, {"maximum": 100}, {"v": "must be at most 100"}),
    ("lots", {}, {"v": "must be a number"}),
    ("inf", {}, {"v": "must be a finite number"}),
    ("NaN", {}, {"v": "must be a finite number"}),
    (True, {}, {"v": "must be a number"}),
    ([1], {}, {"v": "must be a number"}),
    ({"n": 1}, {}, {"v": "must be a number"}),
])
def test_number(raw, kwargs, expected):
    assert clean({"v": raw}, "number", **kwargs) == expected


@pytest.mark.parametrize("raw, expected", [
    (True, True), (False, False), ("true", True), ("ON", True), ("1", True),
    ("yes", True), ("false", False), ("0", False), ("off", False), ("no", False),
])
def test_flag(raw, expected):
    assert clean({"v": raw}, "flag") == {"v": expected}


@pytest.mark.parametrize("raw", ["maybe", 1, ["true"]])
def test_flag_refuses_anything_else(raw):
    assert clean({"v": raw}, "flag") == {"v": "must be true or false"}


@pytest.mark.parametrize("raw, expected", [
    ("eu-west, us-east,,eu-west ", {"v": ["eu-west", "us-east"]}),
    (["web", " api ", "web", ""], {"v": ["web", "api"]}),
    ([], {"v": []}),
    ("a" * 65, {"v": "items must be at most 64 characters"}),
    (["a", 1], {"v": "must be a list of strings"}),
    ({"a": 1}, {"v": "must be a list of strings"}),
    ([str(n) for n in range(51)], {"v": "must have at most 50 items"}),
])
def test_strings(raw, expected):
    assert clean({"v": raw}, "strings") == expected


@pytest.mark.parametrize("raw, expected", [
    ("https://tracker.example.com/OPS-1", {"v": "https://tracker.example.com/OPS-1"}),
    (" http://example.com ", {"v": "http://example.com"}),
    ("javascript:alert(1)", {"v": "must be an http(s) URL"}),
    ("ftp://example.com/file", {"v": "must be an http(s) URL"}),
    ("https://", {"v": "must be an http(s) URL"}),
    ("example.com/OPS-1", {"v": "must be an http(s) URL"}),
    ("https://example.com/" + "x" * 500, {"v": "must be at most 500 characters"}),
    (5, {"v": "must be a string"}),
    ("", {"v": None}),
])
def test_url(raw, expected):
    assert clean({"v": raw}, "url") == expected


@pytest.mark.parametrize("raw, expected", [
    ("ios-app", {"v": "ios-app"}),
    ("api_v2", {"v": "api_v2"}),
    ("iOS app", {"v": "must be lowercase letters, digits and - or _"}),
    ("-api", {"v": "must be lowercase letters, digits and - or _"}),
    ("api--v2", {"v": "must be lowercase letters, digits and - or _"}),
    ("a" * 65, {"v": "must be at most 64 characters"}),
    (3, {"v": "must be lowercase letters, digits and - or _"}),
])
def test_slug(raw, expected):
    assert clean({"v": raw}, "slug") == expected


@pytest.mark.parametrize("raw, expected", [
    ("2026-11-20", {"v": date(2026, 11, 20)}),
    (date(2026, 11, 20), {"v": date(2026, 11, 20)}),
    ("20/11/2026", {"v": "must be a date, YYYY-MM-DD"}),
    ("2026-02-30", {"v": "must be a date, YYYY-MM-DD"}),
    (datetime(2026, 11, 20, tzinfo=UTC), {"v": "must be a date string YYYY-MM-DD"}),
    (20261120, {"v": "must be a date string YYYY-MM-DD"}),
])
def test_day(raw, expected):
    assert clean({"v": raw}, "day") == expected


def test_every_bad_field_is_reported_at_once():
    fields = Fields({"title": "", "severity": "SEV9", "extra": 1, "ok": "fine"})
    fields.text("title", 10, required=True)
    fields.choice("severity", ("SEV1",))
    fields.text("ok", 10)
    fields.reject_unknown({"title", "severity", "ok"})
    fields.error("title", "a second message does not replace the first")
    with pytest.raises(ValidationError) as caught:
        fields.result()
    assert caught.value.fields == {"title": "is required",
                                   "severity": "must be one of: SEV1",
                                   "extra": "is not a known field"}
    assert caught.value.http_status == 422
    assert caught.value.message == "Invalid input: extra, severity, title"


@pytest.mark.parametrize("name, read", [
    ("severity", lambda f: f.choice("severity", ("SEV1", "SEV2"), default="SEV2")),
    ("when", lambda f: f.time("when", default=datetime(2026, 11, 16, tzinfo=UTC))),
    ("public", lambda f: f.flag("public", default=True)),
])
def test_partial_null_is_refused_not_reset_to_the_default(name, read):
    fields = Fields({name: None}, partial=True)
    read(fields)
    assert fields.errors == {name: "cannot be empty"}


def test_partial_null_clears_a_value_whose_default_is_empty():
    fields = Fields({"summary": None, "detection_source": None}, partial=True)
    fields.text("summary", 100)
    fields.choice("detection_source", ("monitoring",))
    assert fields.result() == {"summary": "", "detection_source": None}


@pytest.mark.parametrize("raw, message", [
    ("1989-12-31T23:59:00Z", "1990 or later"),
    ("0021-11-16T09:00:00Z", "year 21"),
    ("2999-01-01T00:00:00Z", "more than a day ahead"),
])
def test_implausible_times_are_refused(raw, message):
    fields = Fields({"at": raw})
    fields.time("at")
    assert message in fields.errors["at"]


def test_a_time_within_a_day_ahead_parses():
    soon = datetime.now(UTC) + timedelta(hours=20)
    fields = Fields({"at": soon.isoformat()})
    fields.time("at")
    assert fields.errors == {}
