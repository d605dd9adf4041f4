"""CSRF protection without accounts: a random cookie, and in each form an HMAC of that cookie
and of the page's link token. A forged cross-site form has neither the cookie value nor the
secret, so it cannot produce the field; the Origin check refuses the rest early."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

COOKIE = "mentorat_csrf"
FIELD = "csrf"


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def form_token(secret_key: str, cookie_value: str, scope: str) -> str:
    mac = hmac.new(secret_key.encode(), f"csrf|{cookie_value}|{scope}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode().rstrip("=")


def same_origin(request: Request) -> bool:
    """Refuse a POST a browser says came from another site (Origin or Sec-Fetch-Site)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        # Old browsers and non-browser clients send none; the token check still applies.
        return origin != "null"
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def valid(request: Request, secret_key: str, submitted: str | None, scope: str) -> bool:
    cookie = request.cookies.get(COOKIE)
    if not cookie or not submitted or not same_origin(request):
        return False
    return hmac.compare_digest(form_token(secret_key, cookie, scope), submitted)
