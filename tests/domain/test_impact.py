"""Impact samples: validation, corrections, CSV paste and the series."""

import pytest

from postmortem.domain import impact
from postmortem.domain.errors import ValidationError
from postmortem.extensions import db
from postmortem.models import ImpactSample
from tests import factories
from tests.factories import at


def stored():
    return [(s.metric, s.at, s.value) for s in db.session.scalars(
        db.select(ImpactSample).order_by(ImpactSample.metric, ImpactSample.at))]


def test_record_one_sample_or_a_list(responder, incident):
    impact.record(incident, {"at": "2026-11-16T09:05:00Z", "metric": "user_reports",
                             "value": "120"}, responder)
    impact.record(incident, [
        {"at": at(10), "metric": "user_reports", "value": 900},
        {"at": "2026-11-16T10:10:00+01:00", "metric": "error_rate", "value": 12.5},
    ], responder)
    db.session.commit()
    assert stored() == [("error_rate", at(10), 12.5),
                        ("user_reports", at(5), 120.0),
                        ("user_reports", at(10), 900.0)]


def test_a_resent_point_corrects_instead_of_duplicating(responder, incident):
    impact.record(incident, {"at": at(5), "metric": "user_reports", "value": 100},
                  responder)
    db.session.commit()
    impact.record(incident, [
        {"at": "2026-11-16T09:05:00Z", "metric": "user_reports", "value": 150},
        {"at": at(5), "metric": "user_reports", "value": 175},
    ], responder)
    db.session.commit()
    assert stored() == [("user_reports", at(5), 175.0)]


def test_samples_belong_to_their_incident(responder, incident):
    other = factories.incident(responder)
    impact.record(incident, {"at": at(5), "metric": "user_reports", "value": 1},
                  responder)
    impact.record(other, {"at": at(5), "metric": "user_reports", "value": 2},
                  responder)
    db.session.commit()
    assert [s.value for s in impact.for_incident(incident)] == [1.0]
    assert [s.value for s in impact.for_incident(other)] == [2.0]


@pytest.mark.parametrize("data, field", [
    ({"metric": "user_reports", "value": 1}, "at"),
    ({"at": "2026-11-16T09:05:00", "metric": "user_reports", "value": 1}, "at"),
    ({"at": "2099-11-16T09:05:00Z", "metric": "user_reports", "value": 1}, "at"),
    ({"at": "2026-11-16T09:05:00Z", "value": 1}, "metric"),
    ({"at": "2026-11-16T09:05:00Z", "metric": "User Reports", "value": 1}, "metric"),
    ({"at": "2026-11-16T09:05:00Z", "metric": "x" * 33, "value": 1}, "metric"),
    ({"at": "2026-11-16T09:05:00Z", "metric": "user_reports"}, "value"),
    ({"at": "2026-11-16T09:05:00Z", "metric": "user_reports", "value": "lots"},
     "value"),
    ({"at": "2026-11-16T09:05:00Z", "metric": "user_reports", "value": "nan"},
     "value"),
    ({"at": "2026-11-16T09:05:00Z", "metric": "user_reports", "value": True},
     "value"),
    ({"at": "2026-11-16T09:05:00Z", "metric": "user_reports", "value": 1e16},
     "value"),
    ("not an object", "body"),
    ([], "body"),
])
def test_bad_samples_are_refused(responder, incident, data, field):
    with pytest.raises(ValidationError) as caught:
        impact.record(incident, data, responder)
    assert field in caught.value.fields
    assert stored() == []


def test_errors_in_a_list_name_the_index_and_store_nothing(responder, incident):
    good = {"at": at(5), "metric": "user_reports", "value": 1}
    with pytest.raises(ValidationError) as caught:
        impact.record(incident, [good, good | {"value": "x"}, good | {"at": "noon"}],
                      responder)
    assert set(caught.value.fields) == {"[1].value", "[2].at"}
    assert stored() == []


def test_too_many_samples_at_once(responder, incident):
    item = {"at": at(5), "metric": "user_reports", "value": 1}
    with pytest.raises(ValidationError) as caught:
        impact.record(incident, [item] * (impact.MAX_SAMPLES + 1), responder)
    assert "at most" in caught.value.fields["body"]
    assert stored() == []


def test_parse_csv_long_form():
    rows = impact.parse_csv(
        "at,metric,value\n"
        "2026-11-16T09:05:00Z,user_reports,120\n"
        "\n"
        " 2026-11-16T09:10:00Z , error_rate , 4.5 \n")
    assert rows == [
        {"at": "2026-11-16T09:05:00Z", "metric": "user_reports", "value": "120"},
        {"at": "2026-11-16T09:10:00Z", "metric": "error_rate", "value": "4.5"},
    ]


def test_parse_csv_wide_form_skips_empty_cells():
    rows = impact.parse_csv(
        "At,User_Reports,percent_restored\r\n"
        "2026-11-16T09:05:00Z,120,0\r\n"
        "2026-11-16T09:10:00Z,,35\r\n")
    assert rows == [
        {"at": "2026-11-16T09:05:00Z", "metric": "user_reports", "value": "120"},
        {"at": "2026-11-16T09:05:00Z", "metric": "percent_restored", "value": "0"},
        {"at": "2026-11-16T09:10:00Z", "metric": "percent_restored", "value": "35"},
    ]


def test_parsed_csv_records_through_the_same_checks(responder, incident):
    rows = impact.parse_csv("at,user_reports\n2026-11-16T09:05:00Z,120\n"
                            "2026-11-16T09:10:00Z,4210\n")
    impact.record(incident, rows, responder)
    db.session.commit()
    assert stored() == [("user_reports", at(5), 120.0),
                        ("user_reports", at(10), 4210.0)]
    with pytest.raises(ValidationError) as caught:
        impact.record(incident, impact.parse_csv(
            "at,user_reports\n2026-11-16 09:15,12\n"), responder)
    assert "[0].at" in caught.value.fields


@pytest.mark.parametrize("text, message", [
    ("", "needs a header line and at least one row"),
    (None, "needs a header line and at least one row"),
    ("at,metric,value\n", "needs a header line and at least one row"),
    ("at,metric,value\n\n , , \n", "needs a header line and at least one row"),
    ("time,metric,value\n2026-11-16T09:05:00Z,a,1\n", "the first column must be `at`"),
    ("at,metric,value\n2026-11-16T09:05:00Z,a\n",
     "line 2: expected 3 columns, found 2"),
    ("at,a,b\n2026-11-16T09:05:00Z,1,2\n2026-11-16T09:10:00Z,1,2,3\n",
     "line 3: expected 3 columns, found 4"),
])
def test_parse_csv_errors(text, message):
    with pytest.raises(ValidationError) as caught:
        impact.parse_csv(text)
    assert caught.value.fields == {"csv": message}


def test_series_groups_by_metric_in_time_order():
    samples = [ImpactSample(metric="user_reports", at=at(10), value=9),
               ImpactSample(metric="error_rate", at=at(5), value=2),
               ImpactSample(metric="user_reports", at=at(5), value=3)]
    assert impact.series(samples) == {
        "error_rate": [(at(5), 2)],
        "user_reports": [(at(5), 3), (at(10), 9)],
    }
    assert impact.series([]) == {}


def test_csv_errors_name_the_pasted_line_after_blank_lines():
    text = "at,metric,value\n\n2026-11-16T09:00:00Z,user_reports,5\n\n1,2\n"
    with pytest.raises(ValidationError) as caught:
        impact.parse_csv(text)
    assert caught.value.fields["csv"].startswith("line 5:")
