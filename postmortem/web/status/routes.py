"""The public status page: no login, nothing private, rendered once per
public change (see `serve`)."""

from flask import Blueprint, render_template

from postmortem.domain.errors import NotFound
from postmortem.domain.status import banner, feeds, uptime
from postmortem.domain.status import maintenance as maintenances
from postmortem.domain.status.overview import (
    Overview,
    past_days,
    public_incident,
    updates_for,
)
from postmortem.domain.status.postmortems import public_postmortem, published_for
from postmortem.domain.status.statuspage import Page
from postmortem.web.auth.urls import MAX_ID
from postmortem.web.status.serve import serve

bp = Blueprint("status", __name__, url_prefix="/status")

HTML = "text/html; charset=utf-8"


def _html(template: str, page: Page, overview: Overview, **context) -> bytes:
    return render_template(template, page=page, overview=overview,
                           **context).encode()


@bp.get("", strict_slashes=False)
def index():
    """Components, active incidents and maintenance, uptime and the past."""
    def render(page: Page, overview: Overview) -> bytes:
        bars = uptime.uptime([v.component for v in overview.components],
                             overview.now)
        days = past_days(overview.now)
        shown = [i.id for i in overview.active_incidents]
        shown += [i.id for day in days for i in day.incidents]
        return _html("status/index.html", page, overview, uptime=bars, days=days,
                     postmortems=published_for(shown))
    return serve("index", HTML, render)


def _not_found(what: str):
    return render_template("status/not_found.html", what=what), 404


@bp.get(f"/incidents/<int(max={MAX_ID}):incident_id>")
def incident(incident_id: int):
    """One public incident with every update; private ids are a 404 too."""
    def render(page: Page, overview: Overview) -> bytes:
        row = public_incident(incident_id)
        return _html("status/incident.html", page, overview, incident=row,
                     updates=updates_for([row.id]).get(row.id, []),
                     postmortem=public_postmortem(row))
    try:
        return serve(f"incident:{incident_id}", HTML, render)
    except NotFound:
        return _not_found("incident")


@bp.get(f"/maintenance/<int(max={MAX_ID}):maintenance_id>")
def maintenance(maintenance_id: int):
    """One maintenance window with its updates."""
    def render(page: Page, overview: Overview) -> bytes:
        row = maintenances.get(maintenance_id)
        return _html("status/maintenance.html", page, overview, maintenance=row,
                     status=maintenances.effective_status(row, overview.now))
    try:
        return serve(f"maintenance:{maintenance_id}", HTML, render)
    except NotFound:
        return _not_found("maintenance")


@bp.get("/history.atom")
def history_atom():
    """Atom feed of incident and maintenance updates."""
    return serve("history.atom", "application/atom+xml; charset=utf-8",
                 lambda page, _o: feeds.atom(page, feeds.entries(page)), cors=True)


@bp.get("/history.rss")
def history_rss():
    """RSS 2.0 feed of incident and maintenance updates."""
    return serve("history.rss", "application/rss+xml; charset=utf-8",
                 lambda page, _o: feeds.rss(page, feeds.entries(page)), cors=True)


@bp.get("/banner.json")
def banner_json():
    """Whether a product should show a notice, and what it says."""
    return serve("banner.json", "application/json",
                 banner.render_json, cors=True)


@bp.get("/banner.js")
def banner_js():
    """The one-line embed that shows the notice in any page."""
    def render(page: Page, overview: Overview) -> bytes:
        return render_template("status/banner.js",
                               data=banner.script_data(page, overview)).encode()
    return serve("banner.js", "text/javascript; charset=utf-8", render, cors=True)
