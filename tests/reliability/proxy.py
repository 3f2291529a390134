"""A scripted ENOM in front of the sandbox: per command, answer instead of it (ENOM refused) or
forward and rewrite its answer (the command took effect, the answer is damaged).

    with EnomProxy(sandbox) as proxy:   # proxy.url goes in the module's `url` param
        proxy.refuse("PurchaseServices", messages=["Insufficient funds"], numbers=["524181"])
        proxy.rewrite("CertConfigureCert", lambda body: body.replace(b"<Done>", b"<X>"))
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from types import TracebackType

from pmenomssl.sandbox.enom import render
from pmenomssl.sandbox.enom.server import EnomSandbox

Rewrite = Callable[[bytes], bytes]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64
    proxy: EnomProxy


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length)
        fields = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        command = (fields.get("command") or [""])[0]
        answer = self.server.proxy.answer(command, body)
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class EnomProxy:
    def __init__(self, sandbox: EnomSandbox) -> None:
        self.sandbox = sandbox
        self._lock = threading.Lock()
        self._refusals: dict[str, bytes] = {}
        self._rewrites: dict[str, Rewrite] = {}
        self.applied: list[str] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/interface.asp"

    def refuse(self, command: str, messages: list[str], numbers: list[str] = []) -> None:  # noqa: B006
        """ENOM answers `command` with these errors and does nothing."""
        responses = [(n, m) for n, m in zip(numbers, messages)]
        with self._lock:
            self._refusals[command.lower()] = render.envelope(command, "", messages, responses)

    def rewrite(self, command: str, change: Rewrite) -> None:
        """ENOM carries out `command`; its answer reaches the module changed by `change`."""
        with self._lock:
            self._rewrites[command.lower()] = change

    def clear(self) -> None:
        with self._lock:
            self._refusals.clear()
            self._rewrites.clear()

    def answer(self, command: str, body: bytes) -> bytes:
        with self._lock:
            refusal = self._refusals.get(command.lower())
            change = self._rewrites.get(command.lower())
            if refusal is not None or change is not None:
                self.applied.append(command)
        if refusal is not None:
            return refusal
        request = urllib.request.Request(self.sandbox.url, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            content: bytes = response.read()
        return change(content) if change is not None else content

    def __enter__(self) -> EnomProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
