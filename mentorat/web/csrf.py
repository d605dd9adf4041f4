"""CSRF protection without accounts: a random cookie, and in each form an HMAC of that cookie
and of the page's link token. A forged cross-site form has neither the cookie value nor the
secret, so it cannot produce the field; the Origin check refuses the rest early.

The Origin a browser sends is compared with MENTORAT_PUBLIC_URL's, never with the Host header:
behind a reverse proxy the Host the app sees is often the internal name (proxy_pass
http://127.0.0.1:8000), while the browser's Origin is the public one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

COOKIE = "mentorat_csrf"
FIELD = "csrf"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def form_token(secret_key: str, cookie_value: str, scope: str) -> str:
    mac = hmac.new(secret_key.encode(), f"csrf|{cookie_value}|{scope}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode().rstrip("=")


def origin_of(url: str) -> str | None:
    """scheme://host[:port] as a browser writes it in Origin (default port left out), or
    None for anything that is not an http(s) origin."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown = "" if port in (None, _DEFAULT_PORTS[parts.scheme]) else f":{port}"
    return f"{parts.scheme}://{host}{shown}"


def same_origin(request: Request, public_origin: str | None) -> bool:
    """Refuse a POST a browser says came from another site (Origin or Sec-Fetch-Site)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if not origin:
        # Old browsers and non-browser clients send none; the token check still applies.
        return True
    return public_origin is not None and origin_of(origin) == public_origin


def valid(
    request: Request, secret_key: str, submitted: str | None, scope: str, public_origin: str | None
) -> bool:
    cookie = request.cookies.get(COOKIE)
    if not cookie or not submitted or not same_origin(request, public_origin):
        return False
    return hmac.compare_digest(form_token(secret_key, cookie, scope), submitted)
