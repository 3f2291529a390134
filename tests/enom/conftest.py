"""Fixtures for the ENOM client tests: cassettes, a loopback server, the contract backends."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from pmenomssl.enom import TEST_URL, EnomClient, Timeouts
from pmenomssl.transport.calls import RetryPolicy
from tests.enom import vcr_setup

DATA = Path(__file__).resolve().parent / "data"
FAST_RETRY = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)


@pytest.fixture
def csr_buditest() -> str:
    return (DATA / "csr_buditest.pem").read_text()


@pytest.fixture
def csr_resellerdocs() -> str:
    return (DATA / "csr_resellerdocs.pem").read_text()


@pytest.fixture
def replay() -> Iterator[Callable[..., Any]]:
    """`with replay("GetBalance") as (client, cassette):` a client on one cassette."""
    recorder = vcr_setup.make_vcr()
    clients: list[EnomClient] = []

    class _Replay:
        def __init__(self, name: str, *, repeats: bool = False) -> None:
            self._context = recorder.use_cassette(name, allow_playback_repeats=repeats)

        def __enter__(self) -> tuple[EnomClient, Any]:
            cassette = self._context.__enter__()
            uid, pw = vcr_setup.credentials()
            client = EnomClient(TEST_URL, uid, pw, retry=FAST_RETRY)
            clients.append(client)
            return client, cassette

        def __exit__(self, *exc: object) -> None:
            self._context.__exit__(*exc)

    yield _Replay
    for client in clients:
        client.close()


# --- a scriptable HTTP server on 127.0.0.1 -------------------------------------------------


@dataclass
class Loopback:
    """Serves `script` in order (the last entry repeats); records every request's form."""

    url: str
    script: list[Callable[[BaseHTTPRequestHandler], None]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)

    def commands(self) -> list[str]:
        return [r.get("command", "") for r in self.requests]


def respond(body: bytes, status: int = 200, delay: float = 0.0) -> Callable[[Any], None]:
    def act(handler: Any) -> None:
        if delay:
            time.sleep(delay)
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "text/xml; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except OSError:  # the client gave up (read timeout)
            pass

    return act


def reset_after_request() -> Callable[[Any], None]:
    """Read the whole request, then drop the connection without answering."""

    def act(handler: Any) -> None:
        handler.close_connection = True
        handler.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        handler.connection.close()

    return act


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    state = Loopback(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            with lock:
                state.requests.append({k: v[0] for k, v in form.items()})
                index = min(len(state.requests), len(state.script)) - 1
                action = state.script[index]
            action(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/interface.asp"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def loopback_client(server: Loopback, **kwargs: Any) -> EnomClient:
    kwargs.setdefault("retry", FAST_RETRY)
    kwargs.setdefault("timeouts", Timeouts(connect=2.0, read=2.0, purchase_read=2.0))
    return EnomClient(server.url, "loop-uid", "loop-secret-pw", **kwargs)


# --- the contract: the same tests on the cassettes and on the sandbox ----------------------


@pytest.fixture(params=["cassette", "sandbox"])
def contract_backend(request: pytest.FixtureRequest) -> Iterator[tuple[EnomClient, str]]:
    """(client, backend name). Cassette: the cassettes named by @pytest.mark.cassettes(...),
    merged and matched on the command only; sandbox: a fresh in-process ENOM sandbox."""
    if request.param == "sandbox":
        # Imported here, not skipped on failure: an import error is a test error (issue 15).
        from pmenomssl.sandbox.enom import EnomSandbox

        with EnomSandbox() as sandbox:
            client = EnomClient(sandbox.url, sandbox.uid, sandbox.pw, retry=FAST_RETRY)
            try:
                yield client, "sandbox"
            finally:
                client.close()
        return
    marker = request.node.get_closest_marker("cassettes")
    names = list(marker.args) if marker else []
    recorder = vcr_setup.make_vcr(exact=False)
    recorder.register_persister(vcr_setup.MergingPersister)
    if vcr_setup.LIVE:
        pytest.skip("contract tests replay cassettes only; ENOM_LIVE re-records per command")
    with recorder.use_cassette("+".join(names), allow_playback_repeats=True):
        client = EnomClient(TEST_URL, *vcr_setup.credentials(), retry=FAST_RETRY)
        try:
            yield client, "cassette"
        finally:
            client.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cassettes(*names): cassettes a contract test replays")
