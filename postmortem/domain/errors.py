"""Errors the domain raises; each caller turns them into its own response."""


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    code = "invalid"
    http_status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None):
        names = ", ".join(sorted(fields))
        super().__init__(message or f"Invalid input: {names}", fields)


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class Conflict(DomainError):
    """A save named an older version than the one stored."""

    code = "conflict"
    http_status = 409


class Forbidden(DomainError):
    code = "forbidden"
    http_status = 403
