"""Prefect's REST API spoken with httpx, without importing Prefect (2 to 5 s of imports for
one or two requests): what the operator's commands and the cohort's runs ask of the server.

Where the server is, and the credentials, as Prefect's own client finds them:
- in a process that has imported Prefect already (a flow run, a worker, the tests' harness),
  Prefect's current settings, which hold what that process was given;
- else PREFECT_API_URL in the environment, with PREFECT_API_KEY (sent as `Bearer`) or
  PREFECT_API_AUTH_STRING (`Basic`), PREFECT_API_TLS_INSECURE_SKIP_VERIFY,
  PREFECT_API_SSL_CERT_FILE, PREFECT_API_REQUEST_TIMEOUT, PREFECT_CLIENT_MAX_RETRIES and
  PREFECT_CLIENT_CUSTOM_HEADERS from the environment, or from the active Prefect profile
  (PREFECT_PROFILES_PATH, else PREFECT_HOME/profiles.toml, else ~/.prefect/profiles.toml;
  PREFECT_PROFILE or the file's `active`) when the environment does not set them;
- else Prefect's settings (its profile, .env, prefect.toml), which imports it: only when
  the server's address is not in the environment.

Requests retry as Prefect's client does: 408, 429, 502 and 503 up to
PREFECT_CLIENT_MAX_RETRIES times (5), after Retry-After or 2, 4, 8… s; a lost connection the
same way; a refused connection 3 times within 1.5 s. A server with CSRF protection gets its
token at its first refusal.
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import sys
import time
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

RETRY_CODES = {408, 429, 502, 503}
LOST = (
    httpx.ReadTimeout,
    httpx.PoolTimeout,
    httpx.ConnectTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)
REFUSED_DELAYS = (0.0, 0.5, 1.0)  # httpcore's, for the 3 connection retries Prefect sets


class PrefectApiError(RuntimeError):
    """The server answered with an error (`status`), or not as a Prefect server does."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotFound(PrefectApiError):
    """404 about the object asked for (a deployment, a flow run): not on the server. A 404
    for the address itself ("Not Found": PREFECT_API_URL without its /api) is a plain
    PrefectApiError."""


class Unreachable(PrefectApiError):
    """No answer: the server is down, or PREFECT_API_URL points elsewhere (`reason` is the
    httpx error's name, such as ConnectError)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Connection:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    verify: ssl.SSLContext | bool = True
    timeout: float = 60.0
    max_retries: int = 5


def _profile() -> dict[str, Any]:
    """The active Prefect profile's settings ({} when there is none)."""
    if os.environ.get("PREFECT_PROFILES_PATH"):
        path = Path(os.environ["PREFECT_PROFILES_PATH"])
    else:
        home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
        path = Path(os.path.expanduser(home)) / "profiles.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    active = os.environ.get("PREFECT_PROFILE") or data.get("active")
    profile = data.get("profiles", {}).get(active, {}) if active else {}
    return profile if isinstance(profile, dict) else {}


def _true(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on", "t", "y"}


def _make(
    url: str,
    key: str | None,
    auth_string: str | None,
    insecure: bool,
    cert_file: str | None,
    timeout: float,
    max_retries: int,
    custom_headers: dict[str, str],
) -> Connection:
    headers = {k: str(v) for k, v in custom_headers.items()}
    if auth_string:  # as Prefect's client: the auth string wins over the key
        token = base64.b64encode(auth_string.encode("utf-8")).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    elif key:
        headers["Authorization"] = f"Bearer {key}"
    verify: ssl.SSLContext | bool = True
    if insecure:
        verify = False
    elif cert_file:
        verify = ssl.create_default_context(cafile=cert_file)
    return Connection(url.rstrip("/"), headers, verify, timeout, max_retries)


def _from_prefect() -> Connection | None:
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if not settings.api.url:
        return None
    return _make(
        settings.api.url,
        settings.api.key.get_secret_value() if settings.api.key else None,
        settings.api.auth_string.get_secret_value() if settings.api.auth_string else None,
        settings.api.tls_insecure_skip_verify,
        settings.api.ssl_cert_file,
        settings.api.request_timeout,
        settings.client.max_retries,
        dict(settings.client.custom_headers),
    )


def _from_environment(url: str) -> Connection:
    profile: dict[str, Any] | None = None

    def setting(name: str) -> Any:
        nonlocal profile
        if os.environ.get(name):
            return os.environ[name]
        if profile is None:
            profile = _profile()
        return profile.get(name)

    custom = setting("PREFECT_CLIENT_CUSTOM_HEADERS") or {}
    if isinstance(custom, str):
        custom = json.loads(custom)
    return _make(
        url,
        setting("PREFECT_API_KEY"),
        setting("PREFECT_API_AUTH_STRING"),
        _true(setting("PREFECT_API_TLS_INSECURE_SKIP_VERIFY")),
        setting("PREFECT_API_SSL_CERT_FILE"),
        float(setting("PREFECT_API_REQUEST_TIMEOUT") or 60),
        int(setting("PREFECT_CLIENT_MAX_RETRIES") or 5),
        custom,
    )


def connection() -> Connection | None:
    """How to reach the Prefect server this process is pointed at (None: no server)."""
    if "prefect.settings" in sys.modules:
        return _from_prefect()
    url = os.environ.get("PREFECT_API_URL")
    if url:
        return _from_environment(url)
    return _from_prefect()


def configured() -> bool:
    """True when a Prefect server is configured (environment, or Prefect's settings)."""
    if "prefect.settings" not in sys.modules and os.environ.get("PREFECT_API_URL"):
        return True
    from prefect.settings import get_current_settings

    return get_current_settings().api.url is not None


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    return str(detail or response.reason_phrase)


def _refuse_tls(request: httpx.Request) -> None:
    if request.url.scheme != "http":
        raise PrefectApiError(
            "le serveur Prefect redirige vers HTTPS : donnez l’adresse en https:// "
            "dans PREFECT_API_URL"
        )


class PrefectApi:
    """A short-lived client: `with PrefectApi() as api: api.get(...)`."""

    def __init__(self, where: Connection | None = None) -> None:
        found = where or connection()
        if found is None:
            raise PrefectApiError("aucun serveur Prefect n’est configuré (PREFECT_API_URL)")
        self.connection = found
        self._csrf_client = str(uuid.uuid4())
        self._csrf: dict[str, str] = {}  # asked for at the first refusal, then kept
        plain = found.url.startswith("http://")
        try:
            self._client = httpx.Client(
                base_url=found.url,
                headers={**found.headers, "Accept": "application/json"},
                # Plain HTTP needs no TLS context (building one, certificates loaded, is a
                # tenth of a second of every command); a redirect to HTTPS is then refused.
                verify=False if plain else found.verify,
                event_hooks={"request": [_refuse_tls]} if plain else {},
                timeout=found.timeout,
                follow_redirects=True,
            )
        except httpx.InvalidURL:
            raise Unreachable("InvalidURL") from None

    def __enter__(self) -> PrefectApi:
        return self

    def __exit__(self, *_: object) -> None:
        self._client.close()

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("POST", path, body)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._send(method, path, body)
        if response.status_code == 404 and _detail(response) != "Not Found":
            raise NotFound(_detail(response), 404)  # the server's "Deployment not found"…
        if response.status_code >= 400:
            raise PrefectApiError(
                f"HTTP {response.status_code}\u00a0: {_detail(response)}", response.status_code
            )
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise PrefectApiError(
                f"réponse illisible (HTTP {response.status_code}, "
                f"{response.headers.get('content-type', 'sans type')})",
                response.status_code,
            ) from None

    def _send(self, method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        attempt = refused = 0
        csrf_asked = False
        while True:
            try:
                response = self._client.request(method, path, json=body, headers=self._csrf)
            except httpx.ConnectError as exc:
                if refused >= len(REFUSED_DELAYS):
                    raise Unreachable(type(exc).__name__) from None
                time.sleep(REFUSED_DELAYS[refused])
                refused += 1
                continue
            except LOST as exc:
                attempt += 1
                if attempt > self.connection.max_retries:
                    raise Unreachable(type(exc).__name__) from None
                time.sleep(2**attempt)
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise Unreachable(type(exc).__name__) from None
            if response.status_code == 403 and "csrf" in response.text.lower() and not csrf_asked:
                csrf_asked = True
                token = self.get(f"/csrf-token?client={self._csrf_client}")
                self._csrf = {
                    "Prefect-Csrf-Token": token["token"],
                    "Prefect-Csrf-Client": self._csrf_client,
                }
                continue
            if response.status_code not in RETRY_CODES or attempt >= self.connection.max_retries:
                return response
            attempt += 1
            wait = _retry_after(response)
            time.sleep(2**attempt if wait is None else wait)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None
