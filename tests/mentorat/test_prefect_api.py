"""The REST client speaks to Prefect as Prefect's own client does: it retries a busy server,
fetches a CSRF token when the server asks for one, and tells a missing object from a wrong
address. Against a real HTTP server on localhost that answers as told."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mentorat.prefect_api import Connection, NotFound, PrefectApi, PrefectApiError

Answer = tuple[int, dict[str, str], object]


class Scripted(ThreadingHTTPServer):
    """Answers each request with the next scripted answer; keeps what it received."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answers: list[Answer] = []
        self.received: list[tuple[str, str, dict[str, str], object]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api"


class Handler(BaseHTTPRequestHandler):
    server: Scripted

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.received.append((self.command, self.path, dict(self.headers), body))
        status, headers, payload = self.server.answers.pop(0)
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Scripted]:
    scripted = Scripted()
    thread = threading.Thread(target=scripted.serve_forever, daemon=True)
    thread.start()
    yield scripted
    scripted.shutdown()
    scripted.server_close()


def test_a_busy_server_is_asked_again_after_retry_after(server):
    server.answers = [
        (503, {"Retry-After": "0"}, {"detail": "database is locked"}),
        (429, {"Retry-After": "0"}, {"detail": "slow down"}),
        (200, {}, {"id": "d1"}),
    ]
    connection = Connection(server.url, {"Authorization": "Bearer k"}, max_retries=2)
    with PrefectApi(connection) as api:
        assert api.get("/deployments/name/f/d") == {"id": "d1"}
    assert [path for _, path, _, _ in server.received] == ["/api/deployments/name/f/d"] * 3
    assert all(headers["Authorization"] == "Bearer k" for _, _, headers, _ in server.received)


def test_a_server_still_busy_after_the_retries_is_an_error(server):
    server.answers = [(503, {"Retry-After": "0"}, {"detail": "database is locked"})] * 2
    with (
        PrefectApi(Connection(server.url, max_retries=1)) as api,
        pytest.raises(PrefectApiError, match="HTTP 503\u00a0: database is locked"),
    ):
        api.get("/flow_runs/x")


def test_a_csrf_protected_server_gets_its_token(server):
    server.answers = [
        (403, {}, {"detail": "Missing CSRF token."}),
        (200, {}, {"token": "t0k", "client": "c", "expiration": "2999-01-01T00:00:00Z"}),
        (201, {}, {"id": "run"}),
        (201, {}, {"id": "run-2"}),
    ]
    with PrefectApi(Connection(server.url)) as api:
        assert api.post("/deployments/d1/create_flow_run", {"name": "n"}) == {"id": "run"}
        assert api.post("/flow_runs/filter", {}) == {"id": "run-2"}  # the token is kept
    (_, _, _, first), (_, asked, _, _), (_, _, again, body), (_, _, kept, _) = server.received
    assert first == body == {"name": "n"}
    assert asked.startswith("/api/csrf-token?client=")
    assert again["Prefect-Csrf-Token"] == kept["Prefect-Csrf-Token"] == "t0k"
    assert asked.endswith(again["Prefect-Csrf-Client"])


def test_a_missing_object_is_not_a_wrong_address(server):
    server.answers = [
        (404, {}, {"detail": "Deployment not found"}),
        (404, {}, {"detail": "Not Found"}),
    ]
    with PrefectApi(Connection(server.url)) as api:
        with pytest.raises(NotFound, match="Deployment not found"):
            api.get("/deployments/name/f/d")
        with pytest.raises(PrefectApiError) as wrong:
            api.get("/deployments/name/f/d")
    assert not isinstance(wrong.value, NotFound) and wrong.value.status == 404


def test_plain_http_follows_redirects_but_never_to_unverified_https(server):
    # Plain HTTP builds no TLS context (a tenth of a second of every command): a redirect to
    # HTTPS would then go unverified, so it is refused with a French message.
    server.answers = [
        (307, {"Location": f"{server.url}/deployments/x"}, {}),
        (200, {}, {"id": "d1"}),
        (307, {"Location": "https://prefect.exemple.fr/api/deployments/x"}, {}),
    ]
    with PrefectApi(Connection(server.url)) as api:
        assert api.get("/deployments/name/f/d") == {"id": "d1"}
        with pytest.raises(PrefectApiError, match="redirige vers HTTPS"):
            api.get("/deployments/name/f/d")
    assert len(server.received) == 3
