"""The loopback HTTP plumbing shared by the sandboxes (`enom`, `upstream`).

A sandbox subclasses `LoopbackSandbox` (where it listens, a serving thread, start/stop, `with`)
and gives it a `SandboxHandler` subclass that routes one request (`_route`); the handler brings
the socket and wire details both sandboxes need: TCP_NODELAY, a silent access log, a bounded
body, `_send`, `_json`, a TCP reset, form parameters, and the `/_sandbox/` admin API's common
part (its JSON input, the state, the armed faults, errors answered as JSON); each sandbox adds
its own admin routes (`_admin_route`).
"""

from __future__ import annotations

import collections
import http.server
import json
import socket
import struct
import threading
import urllib.parse
from decimal import InvalidOperation
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pmenomssl.sandbox.faults import FaultBase, FaultRegistry

ADMIN_PREFIX = "/_sandbox/"
# An admin request's own mistakes (a missing or malformed field): answered 400 with the error.
ADMIN_INPUT_ERRORS = (KeyError, ValueError, TypeError, InvalidOperation)

AdminAnswer = tuple[int, object]  # HTTP status, JSON value

_Sandbox = TypeVar("_Sandbox")
_Self = TypeVar("_Self", bound="LoopbackSandbox")


class SandboxServer(http.server.ThreadingHTTPServer, Generic[_Sandbox]):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many module processes connect at once (the default 5 drops SYNs)
    sandbox: _Sandbox


class SandboxHandler(http.server.BaseHTTPRequestHandler):
    """One request to a sandbox; subclasses implement `_route` and set the class attributes."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the clients reuse connections
    sys_version = ""
    max_request_bytes: ClassVar[int]  # a larger Content-Length is answered 413
    # How `_params` reads a request (the two APIs differ here on purpose, see the subclasses):
    params_body_first: ClassVar[bool]  # on a name in both, the body's value wins
    params_fold_case: ClassVar[bool]  # names are case-insensitive (lower-cased)
    params_skip_multipart: ClassVar[bool]  # a multipart body is not read as form data
    admin_faults_route: ClassVar[str]  # "/_sandbox/<this>": list, arm, disarm faults
    # Besides ADMIN_INPUT_ERRORS, what the sandbox's admin routes may raise (see `_admin_error`).
    admin_errors: ClassVar[tuple[type[Exception], ...]] = ()

    # --- plumbing -----------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without NODELAY, Nagle plus the client's
        # delayed ACK would add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        # Never log: the request line may carry credentials (each subclass says which).
        pass

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length", "0") or "0")
        except ValueError:
            length = -1
        if length < 0 or length > self.max_request_bytes:
            raise ValueError("bad or oversized Content-Length")
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: object) -> None:
        self._send(status, (json.dumps(value, indent=2) + "\n").encode(), "application/json")

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), answering nothing."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _params(self, body: bytes) -> dict[str, str]:
        """Form parameters from the query string and the body; the first of a name wins."""
        query = urllib.parse.urlsplit(self.path).query
        query_pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        body_pairs: list[tuple[str, str]] = []
        multipart = "multipart" in self.headers.get("Content-Type", "")
        if body and not (self.params_skip_multipart and multipart):
            body_pairs = urllib.parse.parse_qsl(
                body.decode("utf-8", "replace"), keep_blank_values=True
            )
        pairs = body_pairs + query_pairs if self.params_body_first else query_pairs + body_pairs
        params: dict[str, str] = {}
        for key, value in pairs:
            params.setdefault(key.lower() if self.params_fold_case else key, value)
        return params

    @staticmethod
    def _admin_input(body: bytes, route: str) -> tuple[dict[str, Any], list[str]]:
        """An admin request's JSON object (empty body: {}) and its route split at "/"."""
        data = json.loads(body) if body.strip() else {}
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data, [p for p in route.split("/") if p]

    # --- the admin API ------------------------------------------------------------------------

    def _admin(self, method: str, route: str, body: bytes) -> AdminAnswer:
        """One `/_sandbox/<route>` request: the common routes, then the sandbox's own."""
        parts: list[str] = []
        answered: tuple[type[Exception], ...] = (*ADMIN_INPUT_ERRORS, *self.admin_errors)
        try:
            data, parts = self._admin_input(body, route)
            answer = self._common_admin_route(method, parts, data)
            if answer is None:
                answer = self._admin_route(method, parts, data)
            if answer is None:
                answer = (404, {"error": f"no admin route {method} {ADMIN_PREFIX}{route}"})
            return answer
        except answered as error:
            return self._admin_error(error, parts)

    def _common_admin_route(
        self, method: str, parts: list[str], data: dict[str, Any]
    ) -> AdminAnswer | None:
        sandbox = self._sandbox
        if method == "GET" and parts == ["state"]:
            return 200, sandbox.state.snapshot()
        if parts == [self.admin_faults_route]:
            if method == "GET":
                return 200, [f.as_dict() for f in sandbox.faults.armed()]
            if method == "POST":
                return 201, self._arm_fault(data).as_dict()
            if method == "DELETE":
                sandbox.faults.clear()
                return 200, []
        return None

    def _admin_route(
        self, method: str, parts: list[str], data: dict[str, Any]
    ) -> AdminAnswer | None:
        """The sandbox's own admin routes; None: no such route."""
        raise NotImplementedError

    def _arm_fault(self, data: dict[str, Any]) -> FaultBase:
        """POST to the faults route: arm the fault `data` describes."""
        raise NotImplementedError

    def _admin_error(self, error: Exception, parts: list[str]) -> AdminAnswer:
        """The answer to an admin request that raised `error` (one of ADMIN_INPUT_ERRORS or
        `admin_errors`); by default 400 with the error's type and text."""
        return 400, {"error": f"{type(error).__name__}: {error}"}

    # --- verbs --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    @property
    def _sandbox(self) -> LoopbackSandbox:
        server: SandboxServer[LoopbackSandbox] = self.server  # type: ignore[assignment]
        return server.sandbox

    def _dispatch(self, method: str) -> None:
        path = urllib.parse.urlsplit(self.path).path
        # Which source address each request came from (the module's `sourceip` binding).
        self._sandbox.client_ips[str(self.client_address[0])] += 1
        try:
            body = self._read_body()
        except ValueError:
            self._send(413, b"request too large\n", "text/plain")
            self.close_connection = True
            return
        try:
            if path.startswith(ADMIN_PREFIX):
                self._json(*self._admin(method, path[len(ADMIN_PREFIX) :], body))
            else:
                self._route(method, path, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _route(self, method: str, path: str, body: bytes) -> None:
        """Answer one request outside the admin API whose body has been read (the API or a
        404)."""
        raise NotImplementedError


class _SandboxAccount(Protocol):
    calls: collections.Counter[str]

    def snapshot(self) -> dict[str, object]: ...


class LoopbackSandbox:
    """Where a sandbox listens and the thread that serves it: start/stop, or `with`."""

    api_path: ClassVar[str]  # the path of the API the sandbox stands in for
    thread_name: ClassVar[str]  # the serving thread's name, followed by "-<port>"
    state: _SandboxAccount  # the sandbox's account (each subclass names its own state class)
    faults: FaultRegistry[Any]  # the sandbox's armed faults (each subclass names its own)

    def __init__(self, host: str, port: int, handler: type[SandboxHandler]) -> None:
        self._server: SandboxServer[Any] = SandboxServer((host, port), handler)
        self._server.sandbox = self
        self._thread: threading.Thread | None = None
        # Requests received per client source address (see SandboxHandler._dispatch).
        self.client_ips: collections.Counter[str] = collections.Counter()

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        host = self.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def url(self) -> str:
        return self.base_url + self.api_path

    @property
    def calls(self) -> collections.Counter[str]:
        """Requests received per command (ENOM, documented spelling) or func (upstream),
        faulted and refused ones included."""
        return self.state.calls

    def start(self: _Self) -> _Self:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"{self.thread_name}-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self: _Self) -> _Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
