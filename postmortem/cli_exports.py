"""`flask --app app export …` and `import …`: post-mortems to and from files."""

from pathlib import Path

import click
import sqlalchemy as sa

from postmortem.domain import incidents, visibility
from postmortem.domain.errors import DomainError
from postmortem.domain.exports import importer, pdf, service
from postmortem.domain.status import postmortems
from postmortem.extensions import db
from postmortem.models import Incident, Postmortem


def _fail(exc: DomainError) -> None:
    details = "; ".join(f"{k} {v}" for k, v in exc.fields.items())
    raise click.ClickException(details or exc.message)


def _export_all(directory: Path, fmt: str, variant: str, public_only: bool) -> None:
    public = postmortems.shown_publicly()  # what the status page shows
    query = (sa.select(Postmortem.id, public)
             .join(Incident, Incident.id == Postmortem.incident_id)
             .where(Postmortem.state == "published"))
    if public_only:
        query = query.where(public)
    rows = db.session.execute(query.order_by(Postmortem.incident_id)).all()
    directory.mkdir(parents=True, exist_ok=True)
    with click.progressbar([pm_id for pm_id, _public in rows],
                           label=f"Exporting {len(rows)} post-mortems",
                           show_pos=True) as bar:
        for pm_id in bar:
            pm = db.session.get(Postmortem, pm_id)
            content = service.export(pm, fmt, variant)
            (directory / service.filename(pm.incident, fmt)).write_bytes(content)
            db.session.commit()
            # One document at a time in memory, however many there are.
            db.session.expunge_all()
    internal = sum(1 for _pm_id, public in rows if not public)
    click.echo(f"Exported {len(rows)} published post-mortems to {directory}"
               + (f" ({internal} of them internal: not for publishing; "
                  "--public-only leaves them out)" if internal else ""))


@click.command("export")
@click.argument("incident_id", required=False)
@click.option("--format", "fmt", type=click.Choice(list(service.FORMATS)),
              default="pdf", show_default=True)
@click.option("--variant", type=click.Choice(pdf.VARIANTS), default=pdf.DEFAULT_VARIANT,
              show_default=True, help="PDF flavour: tagged PDF/UA-1, or PDF/A-3b "
                                      "with the JSON export attached.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: postmortem-incident-ID.EXT).")
@click.option("--all", "all_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Export every published post-mortem into this folder.")
@click.option("--public-only", is_flag=True,
              help="With --all: only those the public status page shows.")
def export_command(incident_id: str | None, fmt: str, variant: str,
                   output: Path | None, all_dir: Path | None,
                   public_only: bool) -> None:
    """Export a post-mortem as PDF, Markdown, HTML or JSON."""
    if all_dir is not None:
        if incident_id is not None or output is not None:
            raise click.UsageError("--all takes a folder; give no ID or -o with it")
        _export_all(all_dir, fmt, variant, public_only)
        return
    if incident_id is None:
        raise click.UsageError("give an incident ID, or --all DIR")
    try:
        incident = incidents.get(incident_id, visibility.SYSTEM)
        content = service.export(service.postmortem_of(incident), fmt, variant)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    target = output or Path(service.filename(incident, fmt))
    target.write_bytes(content)
    click.echo(f"Wrote {target} ({len(content):,} bytes)")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import a Markdown post-mortem (ours, or hand-written) as a new incident."""
    with path.open("rb") as handle:
        raw = handle.read(importer.MAX_BYTES + 1)
    try:
        pm = importer.import_markdown(raw, None)
    except DomainError as exc:
        db.session.rollback()
        _fail(exc)
    db.session.commit()
    click.echo(f"Imported incident #{pm.incident_id} with its post-mortem: "
               f"{pm.incident.title}")


COMMANDS = (export_command, import_command)
