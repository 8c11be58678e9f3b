"""The JSON error body every API answer uses, whoever produces it (a view, the
API's error handler, or the app-wide handlers for 404, 405 and 503)."""

from flask import jsonify


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status
