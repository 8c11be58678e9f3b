"""postmortem: incident records, status pages and post-mortems."""

from pathlib import Path

from flask import Flask

from postmortem import config as app_config
from postmortem.extensions import csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build an app; `overrides` replace config values (tests use this)."""
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"))
    app.config.from_mapping(app_config.load(Path(app.instance_path)))
    app.config.from_mapping(overrides or {})
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from postmortem import models  # noqa: F401  (the metadata must be complete)
    from postmortem.domain.search import index as search_index
    from postmortem.web import access, input_guard, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    access.init_login(login_manager)
    security.init_app(app)
    input_guard.init_app(app)
    search_index.install()


def register_blueprints(app: Flask) -> None:
    from postmortem.api.v1 import blueprint as api_v1
    from postmortem.web import blueprints

    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.register_blueprint(api_v1())
    from postmortem.api.v2 import bp as api_v2  # status page JSON (issue 7)

    app.register_blueprint(api_v2)


def register_errorhandlers(app: Flask) -> None:
    from postmortem.web import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from postmortem import cli

    cli.init_app(app)
