"""Fixtures for the upstream client tests: cassettes, a loopback server, the sandbox."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from pmenomssl.transport.calls import RetryPolicy
from pmenomssl.upstream import UpstreamClient
from tests.upstream import vcr_setup

FAST_RETRY = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)


@pytest.fixture
def replay() -> Iterator[Callable[..., Any]]:
    """`with replay("whoami") as (client, cassette):` a client (page size 2) on one cassette;
    on leaving, every interaction of the cassette must have been played."""
    recorder = vcr_setup.make_vcr()
    clients: list[UpstreamClient] = []

    class _Replay:
        def __init__(self, name: str) -> None:
            self._context = recorder.use_cassette(name)
            self._cassette: Any = None

        def __enter__(self) -> tuple[UpstreamClient, Any]:
            self._cassette = self._context.__enter__()
            client = UpstreamClient(
                vcr_setup.URL,
                vcr_setup.REPLAY_USER,
                vcr_setup.REPLAY_PASSWORD,
                retry=FAST_RETRY,
                page_size=2,
            )
            clients.append(client)
            return client, self._cassette

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self._context.__exit__(exc_type, *rest)
            if exc_type is None:
                assert self._cassette.all_played, "the cassette has requests that were not made"

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

    def funcs(self) -> list[str]:
        return [r.get("func", "") for r in self.requests]


def respond(body: bytes, status: int = 200) -> Callable[[Any], None]:
    def act(handler: Any) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "text/xml; charset=UTF-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return act


def hang(release: threading.Event) -> Callable[[Any], None]:
    """Read the request and answer nothing until `release` is set (the test's teardown)."""

    def act(handler: Any) -> None:
        release.wait(5)
        handler.close_connection = True

    return act


def drop_after_request() -> Callable[[Any], None]:
    """Read the whole request, then reset the connection without answering."""

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
    state.url = f"http://127.0.0.1:{server.server_address[1]}/billmgr"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def loopback_client(server: Loopback, **kwargs: Any) -> UpstreamClient:
    kwargs.setdefault("retry", FAST_RETRY)
    kwargs.setdefault("timeout", 2.0)
    return UpstreamClient(server.url, "loop-user", "loop-secret-pw", **kwargs)
