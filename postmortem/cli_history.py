"""`flask --app app seed-history`: a synthetic history for benchmarks."""

import time

import click
from flask import Flask

from postmortem.domain import history
from postmortem.domain.errors import DomainError


@click.command("seed-history")
@click.option("--incidents", "count", type=click.IntRange(1, 10_000_000),
              required=True, help="How many incidents to write.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed writes the same history.")
@click.option("--force", is_flag=True,
              help="Write even if the database already holds incidents.")
def seed_history(count: int, seed: int, force: bool) -> None:
    """Write a synthetic history of COUNT incidents (years of them, with
    updates, events, samples and action items) into an empty database."""
    began = time.perf_counter()
    try:
        with click.progressbar(length=count, label="Incidents",
                               show_pos=True) as bar:
            written = history.seed(count, seed=seed, force=force,
                                   progress=bar.update)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Wrote {written} incidents in {time.perf_counter() - began:.1f} s "
               f"(seed {seed}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_history)
