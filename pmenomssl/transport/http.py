"""The one HTTP transport both provider clients stand on.

One `httpx.Client` per provider client (connection reuse): TLS always verified, no redirects
followed, our user agent; the source address comes in with `transport` (handlers.sourceip).
Every exchange is a form-encoded POST, so credentials never sit in a URL.

What is decided here, for both providers:
- timeouts: connect and read, neither longer than the time left before the command's deadline;
- the retry policy by call class (`calls.CallClass`): READ calls are retried after any
  transport error, WRITE and PAID calls only when the request never left; once it may have
  arrived, the answer's loss becomes the provider's "outcome unknown" error; no attempt or
  wait starts past the deadline;
- one log line per call, with its duration, outcome and number of attempts.
What stays with each client: its envelope, its error table (how an `ExchangeFailed` and an
answer become its own exceptions) and its function table.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Generic, Optional, TypeVar

import httpx
import tenacity

from pmenomssl import __version__
from pmenomssl import log as pmlog
from pmenomssl.errors import ModuleError
from pmenomssl.transport.calls import DEFAULT_RETRY, CallClass, RetryPolicy

T = TypeVar("T")
# A provider's transport error class (EnomTransportError, UpstreamTransportError).
TransportError = TypeVar("TransportError", bound=ModuleError)

USER_AGENT = f"pmenomssl/{__version__}"
# Never a zero or negative timeout: httpx would wait forever or fail before trying.
MIN_TIMEOUT = 0.05

# What a provider client reports on one call's log line: the error it ended with (None: ok) and
# the number of attempts -> the outcome text.
Outcome = Callable[[Optional[ModuleError], int], str]


class Stage(enum.Enum):
    """Where an HTTP exchange broke off. Only the first two are before the request left."""

    CONNECT_TIMEOUT = "connect timeout"  # connecting, or waiting for a pooled connection
    CONNECT = "connect"  # DNS, refused, TLS handshake, proxy, unsupported scheme
    READ_TIMEOUT = "read timeout"
    DECODING = "decoding"  # the body's content encoding was broken
    BROKEN = "broken"  # read/write error or protocol error after the request was sent


class ExchangeFailed(Exception):
    """An HTTP exchange that produced no response; each client maps it onto its own error."""

    def __init__(self, stage: Stage, error: httpx.HTTPError, waited: float, read: float) -> None:
        super().__init__(str(error))
        self.stage = stage
        self.text = str(error)
        self.detail = describe(error)
        self.waited = waited  # the read timeout this exchange had
        self.read = read  # the read timeout configured for it, before the deadline capped it

    @property
    def capped(self) -> bool:
        """Whether the deadline, not the configured read timeout, bounded the wait."""
        return self.waited < self.read

    @property
    def connect_reason(self) -> str:
        """dns, refused, tls, timeout or other: which step of connecting failed."""
        text = self.detail.lower()
        if any(s in text for s in ("ssl", "certificate", "tls", "handshake")):
            return "tls"
        names = ("name or service", "nodename", "getaddrinfo", "name resolution", "no address")
        if any(s in text for s in names):
            return "dns"
        if "refused" in text:
            return "refused"
        if "timed out" in text:
            return "timeout"
        return "other"


@dataclass(frozen=True)
class ProviderErrors(Generic[TransportError]):
    """The provider's exceptions the call loop must tell apart and the two it raises itself."""

    base: type[ModuleError]  # every error of the client: the log line reports it as failed
    transport: type[TransportError]  # no usable answer
    not_sent: type[ModuleError]  # the request never left: safe to send again, whatever the class
    deadline_exceeded: Callable[[str], ModuleError]  # (call name) no time left for an attempt
    # (the transport error, call name) a WRITE or PAID request may have arrived, its answer lost
    outcome_unknown: Callable[[TransportError, str], ModuleError]


class ProviderTransport(Generic[TransportError]):
    """HTTP to one provider endpoint, with the deadline, retries and the log line of each call."""

    def __init__(
        self,
        url: str,
        *,
        errors: ProviderErrors[TransportError],
        logger: logging.Logger,
        connect: float,
        read: float,
        deadline: float | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`deadline` is a `time.monotonic()` value after which no call or retry starts;
        `connect` and `read` (seconds) are the default timeouts of an exchange."""
        self.url = url
        self.errors = errors
        self.logger = logger
        self.deadline = deadline
        self.retry = retry
        self._http = httpx.Client(
            timeout=self.timeout(connect, read),
            verify=True,
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self._http.close()

    def timeout(self, connect: float, read: float) -> httpx.Timeout:
        """These timeouts, none longer than the time left before the deadline."""
        if self.deadline is not None:
            left = max(MIN_TIMEOUT, self.deadline - time.monotonic())
            connect, read = min(connect, left), min(read, left)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def post(self, data: Mapping[str, str], *, connect: float, read: float) -> httpx.Response:
        """One form POST; any response is returned, no response is an ExchangeFailed."""
        timeout = self.timeout(connect, read)
        waited = float(timeout.read if timeout.read is not None else read)
        try:
            return self._http.post(self.url, data=data, timeout=timeout)
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ExchangeFailed(Stage.CONNECT_TIMEOUT, exc, waited, read) from None
        except (httpx.ConnectError, httpx.ProxyError, httpx.UnsupportedProtocol) as exc:
            raise ExchangeFailed(Stage.CONNECT, exc, waited, read) from None
        except httpx.ReadTimeout as exc:
            raise ExchangeFailed(Stage.READ_TIMEOUT, exc, waited, read) from None
        except httpx.DecodingError as exc:
            raise ExchangeFailed(Stage.DECODING, exc, waited, read) from None
        except httpx.HTTPError as exc:  # ReadError, WriteError, RemoteProtocolError, WriteTimeout
            raise ExchangeFailed(Stage.BROKEN, exc, waited, read) from None

    def call(
        self,
        name: str,
        call_class: CallClass,
        attempt: Callable[[], T],
        *,
        label: str,
        outcome: Outcome,
    ) -> T:
        """Run `attempt` (one exchange and its reading) as often as `call_class` allows, and
        log one line `label <duration> <outcome>` about the whole call."""
        errors = self.errors
        started = time.monotonic()
        attempts = 0
        # The errors decided here (no time left, outcome unknown) end the call: never retried.
        final: list[BaseException] = []

        def once() -> T:
            nonlocal attempts
            attempts += 1
            if self.deadline is not None and time.monotonic() >= self.deadline:
                final.append(errors.deadline_exceeded(name))
                raise final[-1]
            try:
                return attempt()
            except errors.not_sent:
                raise  # the request never left: safe to repeat whatever the class
            except errors.transport as exc:
                if call_class is CallClass.READ:
                    raise
                final.append(errors.outcome_unknown(exc, name))
                raise final[-1] from exc

        def retryable(exc: BaseException) -> bool:
            if any(exc is decided for decided in final):
                return False
            wanted = errors.transport if call_class is CallClass.READ else errors.not_sent
            return isinstance(exc, wanted)

        retrying = tenacity.Retrying(
            stop=self._stop(),
            wait=tenacity.wait_exponential(
                multiplier=self.retry.wait_initial, max=self.retry.wait_max
            ),
            retry=tenacity.retry_if_exception(retryable),
            reraise=True,
        )
        try:
            result = retrying(once)
        except errors.base as exc:
            pmlog.timed(self.logger, label, started, outcome(exc, attempts))
            raise
        pmlog.timed(self.logger, label, started, outcome(None, attempts))
        return result

    def _stop(self) -> Callable[[tenacity.RetryCallState], bool]:
        attempts = max(1, self.retry.attempts)
        deadline = self.deadline

        def stop(state: tenacity.RetryCallState) -> bool:
            if state.attempt_number >= attempts:
                return True
            upcoming = float(getattr(state, "upcoming_sleep", 0.0) or 0.0)
            return deadline is not None and time.monotonic() + upcoming >= deadline

        return stop


Client = TypeVar("Client", bound="ProviderClient[Any]")


class ProviderClient(Generic[TransportError]):
    """What every provider client is: its endpoint and one transport to it, closed with the
    client; a context manager."""

    def __init__(
        self,
        url: str,
        *,
        errors: ProviderErrors[TransportError],
        logger: logging.Logger,
        connect: float,
        read: float,
        deadline: float | None,
        retry: RetryPolicy,
        transport: httpx.BaseTransport | None,
    ) -> None:
        """`url` as the provider checked it; the rest as `ProviderTransport` takes them."""
        self.url = url
        self._transport = ProviderTransport(
            url,
            errors=errors,
            logger=logger,
            connect=connect,
            read=read,
            deadline=deadline,
            retry=retry,
            transport=transport,
        )

    def close(self) -> None:
        self._transport.close()

    def __enter__(self: Client) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def describe(exc: BaseException) -> str:
    """The innermost cause's text: httpx wraps the socket/SSL error that names the problem."""
    parts = [str(exc)]
    cause = exc.__cause__ or exc.__context__
    while cause is not None and len(parts) < 5:
        if str(cause) and str(cause) not in parts:
            parts.append(str(cause))
        cause = cause.__cause__ or cause.__context__
    return pmlog.redact("; ".join(p for p in parts if p))[:300]
