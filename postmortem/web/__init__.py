"""The web UI: one blueprint per area."""

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    from postmortem.web.actions.routes import bp as actions
    from postmortem.web.admin.routes import bp as admin
    from postmortem.web.auth.routes import bp as auth
    from postmortem.web.components.routes import bp as components
    from postmortem.web.incidents.routes import bp as incidents
    from postmortem.web.postmortems.routes import bp as postmortems
    from postmortem.web.status.maintenance import bp as maintenance
    from postmortem.web.status.routes import bp as status

    return [auth, incidents, actions, components, admin, postmortems, status,
            maintenance]
