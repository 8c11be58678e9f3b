"""API v1 resources (being written)."""

from flask import jsonify

from postmortem.api.v1 import bp


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document (being written)."""
    return jsonify({})
