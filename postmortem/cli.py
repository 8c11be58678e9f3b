"""`flask --app app …` commands; each is a thin shell over a domain function."""

from datetime import timedelta

import click
from flask import Flask

from postmortem import cli_history
from postmortem.domain import accounts, cache, demo
from postmortem.domain.errors import DomainError
from postmortem.domain.vocabulary import ROLES
from postmortem.extensions import db


def _fail(exc: DomainError) -> None:
    details = "; ".join(f"{k} {v}" for k, v in exc.fields.items())
    raise click.ClickException(details or exc.message)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--name", default="")
def create_user(email: str, password: str, role: str, name: str) -> None:
    """Create a user who can sign in."""
    try:
        user = accounts.create_user({"email": email, "password": password,
                                     "role": role, "name": name})
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")


@click.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="CLI token", show_default=True)
def create_token(email: str, name: str) -> None:
    """Create an API token for a user; the token is printed on the last line."""
    user = accounts.user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}")
    try:
        _token, plain = accounts.create_token(user, name)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Token for {user.email} ({user.role}); it is shown only once:")
    click.echo(plain)


@click.command("demo")
def load_demo() -> None:
    """Load the demo incident: the Monday outage of a large AI service."""
    already = demo.existing() is not None
    incident = demo.load(None, progress=lambda step: click.echo(f"  {step}"))
    db.session.commit()
    if not already:  # otherwise the loader's own line said what happened
        click.echo(f"Loaded demo incident #{incident.id}: {incident.title}")


@click.command("prune-cache")
@click.option("--days", type=click.IntRange(min=0), default=cache.KEEP.days,
              show_default=True, help="Delete entries stored longer ago than this.")
def prune_cache(days: int) -> None:
    """Delete old rendered pages and charts from the shared cache table."""
    deleted = cache.prune(timedelta(days=days))
    db.session.commit()
    click.echo(f"Deleted {deleted} cache entries stored more than {days} days ago")


def init_app(app: Flask) -> None:
    for command in (create_user, create_token, load_demo, prune_cache):
        app.cli.add_command(command)
    cli_history.init_app(app)
    from postmortem.cli_status import status_export  # issue 7

    app.cli.add_command(status_export)
    from postmortem.cli_exports import COMMANDS as EXPORT_COMMANDS  # exports (6b)
    for command in EXPORT_COMMANDS:
        app.cli.add_command(command)
