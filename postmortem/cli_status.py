"""`flask --app app status-export DIR`: the public status page as static
files (see `postmortem.web.status.export`)."""

from pathlib import Path

import click
from flask import current_app

from postmortem.web.status import export


@click.command("status-export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", default=None,
              help="Public root URL of the copy (default: STATUS_PAGE_URL).")
@click.option("--watch", is_flag=True,
              help="Keep running; rewrite the files after every public change.")
@click.option("--interval", default=5.0, show_default=True,
              type=click.FloatRange(min=0.5), help="Seconds between checks.")
@click.option("--runs", type=click.IntRange(min=1), default=None, hidden=True)
def status_export(directory: Path, base_url: str | None, watch: bool,
                  interval: float, runs: int | None) -> None:
    """Write the public status page (HTML, assets, v2 JSON, feeds, banner) to
    DIRECTORY for any static host."""
    app = current_app._get_current_object()
    base = (base_url or app.config.get("STATUS_PAGE_URL")
            or "http://localhost").rstrip("/")
    if watch:
        export.watch(app, directory, base, interval, click.echo, runs=runs)
        return
    written = export.export(app, directory, base)
    click.echo(f"Wrote {len(written)} files to {directory} for {base}/status")
