"""Security headers every response carries, private caching for signed-in
pages, the trusted proxy setting, and the page for an expired form."""

from flask import Flask, Response, g, render_template, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Everything is served by the app itself (no CDN), so 'self' is enough.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# What Flask-WTF says when a token was genuinely ours but is too old.
CSRF_EXPIRED = "The CSRF token has expired."


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        # Only behind a proxy we were told about: otherwise any client could
        # set X-Forwarded-For and pick the address sign-in throttling counts.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,
                                x_host=hops)

    @app.after_request
    def set_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy",
                           "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _signed_in():
            # After sign-out on a shared computer, Back must not show
            # incident data from the browser's cache.
            headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response


def _signed_in() -> bool:
    """A page was made for someone: a session user or an API token holder.
    Reads only what the request already loaded (no query for static files)."""
    user = g.get("_login_user")
    return bool(g.get("api_user")) or bool(user is not None
                                           and user.is_authenticated)


def form_expired(description: str | None):
    """For a web form whose CSRF token ran out: the page again with the
    user's text and a fresh token, or None when the token is missing or
    forged (those stay a plain refusal)."""
    if description != CSRF_EXPIRED or request.method != "POST":
        return None
    # Prefixed forms name their token "<prefix>-csrf_token": each gets a
    # fresh one. Passwords are not written into a page; they are typed again.
    tokens = {"csrf_token"} | {name for name in request.form
                               if name.endswith("csrf_token")}
    fields = [(name, _label(name), value)
              for name, value in request.form.items(multi=True)
              if name not in tokens and "password" not in name]
    dropped = any("password" in name for name in request.form)
    return render_template("auth/form_expired.html", fields=fields, tokens=tokens,
                           passwords_dropped=dropped,
                           action=request.full_path.rstrip("?")), 400


def _label(name: str) -> str:
    """"event-occurred_at" -> "Occurred at": the field without its form prefix."""
    return name.rpartition("-")[2].replace("_", " ").capitalize()
