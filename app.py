"""Entry point for `flask --app app …` and `gunicorn app:app`."""

from postmortem import create_app

app = create_app()
