"""The shared provider transport (`pmenomssl/transport/http.py`) in-process: the HTTP client it
builds (our User-Agent, no redirects, timeouts capped by the deadline), where an exchange broke
off and the texts that say so, the retry policy by call class (a paid call is never sent again
once it may have left), the backoff schedule and the deadline, and the one log line per call.

No network and no waiting: the HTTP side is an `httpx.MockTransport`, the provider is a small
error table of this file's own, and the clock is a fake one (`clock`) whose `sleep` only moves
it on, so the backoff schedule and the deadline arithmetic are exact. These are the tests the
mutation run of the module is scoped to (tests/mutation/run.py); the end-to-end ones (real
sockets, the executable under a deadline) stay in the suite.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, Union

import httpx
import pytest

import pmenomssl
from pmenomssl import log as pmlog
from pmenomssl.errors import ModuleError
from pmenomssl.transport.calls import CallClass, RetryPolicy
from pmenomssl.transport.http import (
    ExchangeFailed,
    ProviderClient,
    ProviderErrors,
    ProviderTransport,
    Stage,
    describe,
)

URL = "https://provider.example.com/api"
NO_WAIT = RetryPolicy(attempts=3, wait_initial=0.0, wait_max=0.0)


# --- a provider, as small as the transport needs it ------------------------------------------


class Failed(ModuleError):
    """Every error of the test provider."""


class Lost(Failed):
    """No usable answer (the provider's transport error)."""


class NotSent(Lost):
    """The request never left."""


class NoTime(NotSent):
    """No time left to start (both real providers make it a kind of "not sent")."""


class Unknown(Lost):
    """A write or paid request may have arrived; its answer was lost."""

    def __init__(self, cause: Lost, func: str) -> None:
        super().__init__(f"{func}: outcome unknown after {cause}")
        self.cause = cause
        self.func = func


ERRORS: ProviderErrors[Lost] = ProviderErrors(
    base=Failed,
    transport=Lost,
    not_sent=NotSent,
    deadline_exceeded=lambda func: NoTime(f"{func}: no time left"),
    outcome_unknown=lambda exc, func: Unknown(exc, func),
)


class Clock:
    """`time.monotonic` and `time.sleep` for the test: sleeping moves the clock on."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake.monotonic)  # read at call time by every module
    monkeypatch.setattr(time, "sleep", fake.sleep)  # tenacity's default sleep calls time.sleep
    return fake


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, Lines]]:
    logger = logging.getLogger("tests.transport.http_unit")
    logger.setLevel(logging.DEBUG)
    lines = Lines()
    logger.addHandler(lines)
    yield logger, lines
    logger.removeHandler(lines)


Step = Union[BaseException, str]


class Attempts:
    """An `attempt` callable: raises or returns each scripted step in turn (the last repeats)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.count = 0

    def __call__(self) -> str:
        step = self.steps[min(self.count, len(self.steps) - 1)]
        self.count += 1
        # a loop that never stops fails here (not a provider error: never retried)
        assert self.count <= 20, "20 attempts"
        if isinstance(step, BaseException):
            raise step
        return step


class Outcomes:
    """An `outcome` callable: records what the transport told it; the text names both."""

    def __init__(self) -> None:
        self.calls: list[tuple[ModuleError | None, int]] = []

    def __call__(self, error: ModuleError | None, attempts: int) -> str:
        self.calls.append((error, attempts))
        return f"{'ok' if error is None else 'failed ' + type(error).__name__} n={attempts}"


def make(
    logger: logging.Logger | None = None,
    *,
    handler: Callable[[httpx.Request], httpx.Response] | None = None,
    connect: float = 2.0,
    read: float = 7.0,
    deadline: float | None = None,
    retry: RetryPolicy = NO_WAIT,
) -> ProviderTransport[Lost]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<ok/>")

    return ProviderTransport(
        URL,
        errors=ERRORS,
        logger=logger or logging.getLogger("tests.transport.http_unit"),
        connect=connect,
        read=read,
        deadline=deadline,
        retry=retry,
        transport=httpx.MockTransport(handler or answer),
    )


def run(
    transport: ProviderTransport[Lost],
    call_class: CallClass,
    attempts: Attempts,
    outcomes: Outcomes | None = None,
) -> str:
    return transport.call(
        "DoIt", call_class, attempts, label="TEST DoIt", outcome=outcomes or Outcomes()
    )


# --- the HTTP client ----------------------------------------------------------------------------


def _recording(seen: list[httpx.Request], response: httpx.Response | None = None) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return response if response is not None else httpx.Response(200, content=b"<ok/>")

    return handler


def test_a_post_is_a_form_to_the_endpoint_with_our_user_agent() -> None:
    seen: list[httpx.Request] = []
    transport = make(handler=_recording(seen))
    response = transport.post({"user": "me", "pw": "a&b=c"}, connect=1.0, read=3.0)
    assert response.status_code == 200 and response.content == b"<ok/>"
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == URL
    assert request.content == b"user=me&pw=a%26b%3Dc"
    assert request.headers["user-agent"] == f"pmenomssl/{pmenomssl.__version__}"
    # as it goes on the wire: our header, in its usual spelling, instead of httpx's own
    assert (b"User-Agent", f"pmenomssl/{pmenomssl.__version__}".encode()) in request.headers.raw
    assert not any(value.startswith(b"python-httpx") for _, value in request.headers.raw)


def test_each_post_has_its_own_timeouts() -> None:
    seen: list[httpx.Request] = []
    transport = make(handler=_recording(seen), connect=2.0, read=7.0)
    transport.post({}, connect=1.5, read=40.0)
    assert seen[0].extensions["timeout"] == {
        "connect": 1.5,
        "read": 40.0,
        "write": 40.0,
        "pool": 1.5,
    }


def test_the_clients_own_timeouts_are_the_configured_ones() -> None:
    transport = make(connect=2.0, read=7.0)
    assert transport._http.timeout == httpx.Timeout(connect=2.0, read=7.0, write=7.0, pool=2.0)


def test_the_clients_own_timeouts_are_capped_by_the_deadline(clock: Clock) -> None:
    transport = make(connect=2.0, read=7.0, deadline=clock.now + 3.0)
    assert transport._http.timeout == httpx.Timeout(connect=2.0, read=3.0, write=3.0, pool=2.0)


def test_a_redirect_is_returned_not_followed() -> None:
    seen: list[httpx.Request] = []
    moved = httpx.Response(307, headers={"Location": "https://elsewhere.example.net/steal"})
    transport = make(handler=_recording(seen, moved))
    response = transport.post({"pw": "secret-form"}, connect=1.0, read=1.0)
    assert response.status_code == 307
    assert [str(r.url) for r in seen] == [URL]


def test_any_status_is_a_response_not_an_error() -> None:
    transport = make(handler=lambda request: httpx.Response(503, content=b"busy"))
    response = transport.post({}, connect=1.0, read=1.0)
    assert (response.status_code, response.content) == (503, b"busy")


def test_close_closes_the_http_client() -> None:
    transport = make()
    assert not transport._http.is_closed
    transport.close()
    assert transport._http.is_closed


# --- timeouts and the deadline ----------------------------------------------------------------


def test_timeouts_without_a_deadline_are_as_configured() -> None:
    transport = make()
    assert transport.timeout(3.0, 20.0) == httpx.Timeout(
        connect=3.0, read=20.0, write=20.0, pool=3.0
    )


def test_timeouts_are_cut_to_the_time_left(clock: Clock) -> None:
    transport = make(deadline=clock.now + 5.0)
    assert transport.timeout(3.0, 20.0) == httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)
    assert transport.timeout(9.0, 20.0) == httpx.Timeout(connect=5.0, read=5.0, write=5.0, pool=5.0)
    clock.now += 4.5
    assert transport.timeout(3.0, 20.0) == httpx.Timeout(connect=0.5, read=0.5, write=0.5, pool=0.5)


def test_a_timeout_past_the_deadline_is_the_smallest_not_zero(clock: Clock) -> None:
    transport = make(deadline=clock.now - 10.0)
    assert transport.timeout(3.0, 20.0) == httpx.Timeout(0.05)
    transport = make(deadline=clock.now + 0.01)
    assert transport.timeout(3.0, 20.0) == httpx.Timeout(0.05)


# --- where an exchange broke off ------------------------------------------------------------


def _raising(exc_type: type[httpx.HTTPError], text: str) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type(text, request=request)  # type: ignore[call-arg]

    return handler


@pytest.mark.parametrize(
    ("exc_type", "stage"),
    [
        (httpx.ConnectTimeout, Stage.CONNECT_TIMEOUT),
        (httpx.PoolTimeout, Stage.CONNECT_TIMEOUT),
        (httpx.ConnectError, Stage.CONNECT),
        (httpx.ProxyError, Stage.CONNECT),
        (httpx.UnsupportedProtocol, Stage.CONNECT),
        (httpx.ReadTimeout, Stage.READ_TIMEOUT),
        (httpx.DecodingError, Stage.DECODING),
        (httpx.ReadError, Stage.BROKEN),
        (httpx.WriteError, Stage.BROKEN),
        (httpx.WriteTimeout, Stage.BROKEN),
        (httpx.RemoteProtocolError, Stage.BROKEN),
    ],
)
def test_every_transport_error_says_where_the_exchange_broke_off(
    exc_type: type[httpx.HTTPError], stage: Stage
) -> None:
    transport = make(handler=_raising(exc_type, "it broke here"))
    with pytest.raises(ExchangeFailed) as caught:
        transport.post({}, connect=1.0, read=7.0)
    failed = caught.value
    assert failed.stage is stage
    assert str(failed) == failed.text == failed.detail == "it broke here"
    assert (failed.waited, failed.read, failed.capped) == (7.0, 7.0, False)
    assert failed.__cause__ is None and failed.__suppress_context__


def test_a_wait_cut_by_the_deadline_is_reported_as_capped(clock: Clock) -> None:
    transport = make(handler=_raising(httpx.ReadTimeout, "timed out"), deadline=clock.now + 2.5)
    with pytest.raises(ExchangeFailed) as caught:
        transport.post({}, connect=1.0, read=30.0)
    assert (caught.value.waited, caught.value.read, caught.value.capped) == (2.5, 30.0, True)


def test_the_detail_is_the_chain_of_causes_redacted() -> None:
    pmlog.register_secret("pw-in-a-cause-9921")

    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise OSError("[Errno 111] Connection refused by pw-in-a-cause-9921")
        except OSError as cause:
            raise httpx.ConnectError("All connection attempts failed", request=request) from cause

    with pytest.raises(ExchangeFailed) as caught:
        make(handler=handler).post({}, connect=1.0, read=1.0)
    assert (
        caught.value.detail
        == "All connection attempts failed; [Errno 111] Connection refused by ***"
    )
    assert caught.value.text == "All connection attempts failed"
    assert caught.value.connect_reason == "refused"


@pytest.mark.parametrize(
    ("detail", "reason"),
    [
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", "tls"),
        ("SSL: WRONG_VERSION_NUMBER", "tls"),
        ("hostname mismatch, Certificate is not valid for 'x'", "tls"),
        ("TLSV1_ALERT_PROTOCOL_VERSION", "tls"),
        ("EOF occurred during the Handshake", "tls"),
        ("[Errno -2] Name or service not known", "dns"),
        ("[Errno 8] nodename nor servname provided", "dns"),
        ("[Errno 11001] getaddrinfo failed", "dns"),
        ("[Errno -3] Temporary failure in Name Resolution", "dns"),
        ("[Errno -5] No address associated with hostname", "dns"),
        ("[Errno 111] Connection Refused", "refused"),
        ("Connection timed out", "timeout"),
        ("[Errno 101] Network is unreachable", "other"),
        ("", "other"),
    ],
)
def test_which_step_of_connecting_failed(detail: str, reason: str) -> None:
    failed = ExchangeFailed(Stage.CONNECT, httpx.ConnectError(detail), 1.0, 1.0)
    assert failed.connect_reason == reason


def test_a_tls_failure_that_also_timed_out_is_tls() -> None:
    # the first matching step wins: TLS before DNS before refused before timeout
    assert _reason("handshake timed out; connection refused") == "tls"
    assert _reason("getaddrinfo: connection refused") == "dns"
    assert _reason("connection refused after it timed out") == "refused"


def _reason(detail: str) -> str:
    return ExchangeFailed(Stage.CONNECT, httpx.ConnectError(detail), 1.0, 1.0).connect_reason


def test_capped_only_when_the_wait_was_shorter_than_configured() -> None:
    error = httpx.ReadTimeout("timed out")
    assert ExchangeFailed(Stage.READ_TIMEOUT, error, 2.0, 30.0).capped
    assert not ExchangeFailed(Stage.READ_TIMEOUT, error, 30.0, 30.0).capped


# --- describe: the innermost cause's text -----------------------------------------------------


def _chained(*texts: str, implicit: bool = False) -> BaseException:
    """An exception whose cause chain carries `texts`, outermost first."""
    error: BaseException | None = None
    for text in reversed(texts):
        outer = RuntimeError(text)
        if implicit:
            outer.__context__ = error
        else:
            outer.__cause__ = error
        error = outer
    assert error is not None
    return error


def test_describe_joins_the_causes_outermost_first() -> None:
    assert describe(_chained("outer", "middle", "inner")) == "outer; middle; inner"


def test_describe_follows_implicit_chaining_too() -> None:
    assert describe(_chained("outer", "inner", implicit=True)) == "outer; inner"


def test_describe_prefers_the_explicit_cause_to_the_context() -> None:
    error = RuntimeError("outer")
    error.__cause__ = RuntimeError("the cause")
    error.__context__ = RuntimeError("while handling this")
    error.__cause__.__cause__ = RuntimeError("its cause")
    error.__cause__.__context__ = RuntimeError("its context")
    assert describe(error) == "outer; the cause; its cause"


def test_describe_skips_empty_and_repeated_texts() -> None:
    assert describe(_chained("outer", "", "outer", "inner", "inner")) == "outer; inner"
    assert describe(_chained("", "inner")) == "inner"


def test_describe_stops_after_five_texts() -> None:
    texts = [f"cause {n}" for n in range(8)]
    assert describe(_chained(*texts)) == "; ".join(texts[:5])


def test_an_empty_text_does_not_count_among_the_five() -> None:
    chain = _chained("outer", "", "one", "two", "three", "four", "five")
    assert describe(chain) == "outer; one; two; three; four"


def test_describe_keeps_at_most_300_characters() -> None:
    assert describe(RuntimeError("x" * 299)) == "x" * 299
    assert describe(RuntimeError("y" * 400)) == "y" * 300
    assert describe(_chained("a" * 200, "b" * 200)) == "a" * 200 + "; " + "b" * 98


def test_describe_redacts_secrets_in_any_cause() -> None:
    pmlog.register_secret("pw-deep-in-the-chain-4410")
    text = describe(_chained("outer", "refused: password=hunter2 pw-deep-in-the-chain-4410"))
    assert text == "outer; refused: password=*** ***"


# --- the call loop: retries by call class ---------------------------------------------------


def test_a_call_returns_the_attempts_result_and_logs_one_line(
    log: tuple[logging.Logger, Lines], clock: Clock
) -> None:
    logger, lines = log
    outcomes = Outcomes()
    attempts = Attempts("the answer")
    assert run(make(logger), CallClass.READ, attempts, outcomes) == "the answer"
    assert attempts.count == 1
    assert outcomes.calls == [(None, 1)]
    assert lines.lines == ["TEST DoIt 0ms ok n=1"]


def test_a_read_is_retried_after_any_transport_error(
    log: tuple[logging.Logger, Lines], clock: Clock
) -> None:
    logger, lines = log
    outcomes = Outcomes()
    attempts = Attempts(Lost("the answer was cut off"), NotSent("refused"), "the answer")
    assert run(make(logger), CallClass.READ, attempts, outcomes) == "the answer"
    assert attempts.count == 3
    assert outcomes.calls == [(None, 3)]
    assert lines.lines == ["TEST DoIt 0ms ok n=3"]


def test_a_read_gives_up_after_the_policys_attempts(
    log: tuple[logging.Logger, Lines], clock: Clock
) -> None:
    logger, lines = log
    outcomes = Outcomes()
    last = Lost("third")
    attempts = Attempts(Lost("first"), Lost("second"), last, "never reached")
    with pytest.raises(Lost) as caught:
        run(make(logger), CallClass.READ, attempts, outcomes)
    assert caught.value is last
    assert attempts.count == 3
    assert outcomes.calls == [(last, 3)]
    assert lines.lines == ["TEST DoIt 0ms failed Lost n=3"]


@pytest.mark.parametrize("call_class", [CallClass.WRITE, CallClass.PAID])
def test_a_write_or_paid_call_that_may_have_left_is_sent_once(
    log: tuple[logging.Logger, Lines], clock: Clock, call_class: CallClass
) -> None:
    logger, lines = log
    outcomes = Outcomes()
    lost = Lost("the connection broke after the request was sent")
    attempts = Attempts(lost, "a second order")
    with pytest.raises(Unknown) as caught:
        run(make(logger), call_class, attempts, outcomes)
    assert attempts.count == 1
    assert caught.value.cause is lost and caught.value.func == "DoIt"
    assert caught.value.__cause__ is lost
    assert outcomes.calls == [(caught.value, 1)]
    assert lines.lines == ["TEST DoIt 0ms failed Unknown n=1"]


@pytest.mark.parametrize("call_class", [CallClass.WRITE, CallClass.PAID])
def test_a_write_or_paid_call_that_never_left_is_sent_again(
    clock: Clock, call_class: CallClass
) -> None:
    outcomes = Outcomes()
    attempts = Attempts(NotSent("refused"), NotSent("refused"), "ordered")
    assert run(make(), call_class, attempts, outcomes) == "ordered"
    assert attempts.count == 3 and outcomes.calls == [(None, 3)]


@pytest.mark.parametrize("call_class", [CallClass.WRITE, CallClass.PAID])
def test_a_write_or_paid_call_that_never_left_gives_up_as_not_sent(
    clock: Clock, call_class: CallClass
) -> None:
    last = NotSent("refused, third time")
    attempts = Attempts(NotSent("refused"), NotSent("refused"), last, "never reached")
    with pytest.raises(NotSent) as caught:
        run(make(), call_class, attempts)
    assert caught.value is last and attempts.count == 3


@pytest.mark.parametrize("call_class", list(CallClass))
def test_an_answer_that_is_an_error_is_never_retried(
    log: tuple[logging.Logger, Lines], clock: Clock, call_class: CallClass
) -> None:
    logger, lines = log
    refused = Failed("the provider said no")
    attempts = Attempts(refused, "never reached")
    with pytest.raises(Failed) as caught:
        run(make(logger), call_class, attempts)
    assert caught.value is refused and attempts.count == 1
    assert lines.lines == ["TEST DoIt 0ms failed Failed n=1"]


def test_an_error_that_is_not_the_providers_is_not_retried(clock: Clock) -> None:
    attempts = Attempts(ValueError("a bug"), "never reached")
    with pytest.raises(ValueError, match="a bug"):
        run(make(), CallClass.READ, attempts)
    assert attempts.count == 1


def test_a_decided_outcome_is_never_retried_whatever_its_class() -> None:
    """The loop remembers what it decided, it does not rely on the provider's classes: with an
    error table whose "outcome unknown" is also of its "not sent" class (a careless provider),
    the paid request that may have arrived is still sent once."""

    class CarelessUnknown(NotSent):
        pass

    careless = ProviderErrors(
        base=Failed,
        transport=Lost,
        not_sent=NotSent,
        deadline_exceeded=lambda func: NoTime(func),
        outcome_unknown=lambda exc, func: CarelessUnknown(f"{func}: {exc}"),
    )
    transport = ProviderTransport(
        URL,
        errors=careless,
        logger=logging.getLogger("tests.transport.http_unit"),
        connect=1.0,
        read=1.0,
        retry=NO_WAIT,
        transport=httpx.MockTransport(lambda request: httpx.Response(200)),
    )
    attempts = Attempts(Lost("the connection broke"), "a second charge")
    with pytest.raises(CarelessUnknown):
        run(transport, CallClass.PAID, attempts)
    assert attempts.count == 1


@pytest.mark.parametrize("call_class", [CallClass.WRITE, CallClass.PAID])
def test_the_not_sent_class_alone_decides_a_writes_retry(
    clock: Clock, call_class: CallClass
) -> None:
    """For a write or paid call only "never left" allows another attempt, even in an error
    table where that class is not one of the transport errors (ProviderErrors says "safe to
    send again, whatever the class")."""

    class Refused(Failed):  # not a Lost
        pass

    table = ProviderErrors(
        base=Failed,
        transport=Lost,
        not_sent=Refused,
        deadline_exceeded=lambda func: NoTime(func),
        outcome_unknown=lambda exc, func: Unknown(exc, func),
    )
    transport = ProviderTransport(
        URL,
        errors=table,
        logger=logging.getLogger("tests.transport.http_unit"),
        connect=1.0,
        read=1.0,
        retry=NO_WAIT,
        transport=httpx.MockTransport(lambda request: httpx.Response(200)),
    )
    attempts = Attempts(Refused("refused"), "done")
    assert run(transport, call_class, attempts) == "done"
    assert attempts.count == 2


@pytest.mark.parametrize(("policy", "sent"), [(1, 1), (0, 1), (-2, 1), (2, 2), (5, 5)])
def test_the_number_of_attempts_is_the_policys_and_at_least_one(
    clock: Clock, policy: int, sent: int
) -> None:
    attempts = Attempts(Lost("cut off"))
    transport = make(retry=RetryPolicy(attempts=policy, wait_initial=0.0, wait_max=0.0))
    with pytest.raises(Lost):
        run(transport, CallClass.READ, attempts)
    assert attempts.count == sent


# --- backoff and the deadline ---------------------------------------------------------------


def test_the_backoff_doubles_from_the_initial_wait_up_to_the_maximum(
    log: tuple[logging.Logger, Lines], clock: Clock
) -> None:
    logger, lines = log
    policy = RetryPolicy(attempts=6, wait_initial=0.5, wait_max=4.0)
    attempts = Attempts(Lost("cut off"))
    with pytest.raises(Lost):
        run(make(logger, retry=policy), CallClass.READ, attempts)
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert attempts.count == 6
    # the duration on the log line is the whole call's, waits included
    assert lines.lines == ["TEST DoIt 11500ms failed Lost n=6"]


def test_the_default_backoff(clock: Clock) -> None:
    attempts = Attempts(NotSent("refused"))
    transport = ProviderTransport(
        URL,
        errors=ERRORS,
        logger=logging.getLogger("tests.transport.http_unit"),
        connect=1.0,
        read=1.0,
        transport=httpx.MockTransport(lambda request: httpx.Response(200)),
    )
    with pytest.raises(NotSent):
        run(transport, CallClass.PAID, attempts)
    assert (attempts.count, clock.sleeps) == (3, [0.5, 1.0])


def test_no_call_starts_past_the_deadline(log: tuple[logging.Logger, Lines], clock: Clock) -> None:
    logger, lines = log
    outcomes = Outcomes()
    attempts = Attempts("never reached")
    with pytest.raises(NoTime) as caught:
        run(make(logger, deadline=clock.now - 0.001), CallClass.READ, attempts, outcomes)
    assert str(caught.value) == "DoIt: no time left"
    assert attempts.count == 0
    assert outcomes.calls == [(caught.value, 1)]
    assert lines.lines == ["TEST DoIt 0ms failed NoTime n=1"]


def test_no_call_starts_at_the_deadline(clock: Clock) -> None:
    attempts = Attempts("never reached")
    with pytest.raises(NoTime):
        run(make(deadline=clock.now), CallClass.PAID, attempts)
    assert attempts.count == 0


def test_a_call_just_before_the_deadline_starts(clock: Clock) -> None:
    attempts = Attempts("the answer")
    assert run(make(deadline=clock.now + 0.001), CallClass.PAID, attempts) == "the answer"


def test_no_wait_that_would_end_past_the_deadline_starts(clock: Clock) -> None:
    # attempt 1 at 0 s, wait 0.5 s; attempt 2 at 0.5 s, the next wait (1 s) would end at 1.5 s,
    # past the deadline at 1.2 s: the call ends with attempt 2's error, having slept once.
    policy = RetryPolicy(attempts=10, wait_initial=0.5, wait_max=4.0)
    last = Lost("second")
    attempts = Attempts(Lost("first"), last)
    with pytest.raises(Lost) as caught:
        run(make(retry=policy, deadline=clock.now + 1.2), CallClass.READ, attempts)
    assert caught.value is last
    assert (attempts.count, clock.sleeps) == (2, [0.5])


def test_a_wait_that_would_end_at_the_deadline_does_not_start(clock: Clock) -> None:
    # the same schedule with the deadline at exactly 1.5 s: the second wait would end on it
    policy = RetryPolicy(attempts=10, wait_initial=0.5, wait_max=4.0)
    last = Lost("second")
    attempts = Attempts(Lost("first"), last)
    with pytest.raises(Lost) as caught:
        run(make(retry=policy, deadline=clock.now + 1.5), CallClass.READ, attempts)
    assert caught.value is last
    assert (attempts.count, clock.sleeps) == (2, [0.5])


def test_without_waits_retries_go_on_until_the_deadline_is_reached(clock: Clock) -> None:
    # no wait: nothing ends past the deadline until the time is spent, here by the attempts
    class Slow(Attempts):
        def __call__(self) -> str:
            clock.now += 0.4
            return super().__call__()

    attempts = Slow(Lost("cut off"))
    policy = RetryPolicy(attempts=10, wait_initial=0.0, wait_max=0.0)
    with pytest.raises(Lost):
        run(make(retry=policy, deadline=clock.now + 1.0), CallClass.READ, attempts)
    assert attempts.count == 3  # at 0, 0.4 and 0.8 s; after the third it is 1.2 s


# --- ProviderClient --------------------------------------------------------------------------


class _Client(ProviderClient[Lost]):
    pass


def _client(
    logger: logging.Logger,
    seen: list[httpx.Request],
    *,
    deadline: float | None = None,
    retry: RetryPolicy = NO_WAIT,
) -> _Client:
    return _Client(
        URL,
        errors=ERRORS,
        logger=logger,
        connect=4.0,
        read=9.0,
        deadline=deadline,
        retry=retry,
        transport=httpx.MockTransport(_recording(seen)),
    )


def test_a_provider_client_hands_everything_to_its_transport(
    log: tuple[logging.Logger, Lines], clock: Clock
) -> None:
    logger, lines = log
    seen: list[httpx.Request] = []
    client = _client(logger, seen, retry=RetryPolicy(attempts=2, wait_initial=0.25))
    assert client.url == URL
    assert client._transport.url == URL and client._transport.errors is ERRORS
    assert client._transport._http.timeout == httpx.Timeout(
        connect=4.0, read=9.0, write=9.0, pool=4.0
    )
    client._transport.post({"a": "1"}, connect=4.0, read=9.0)
    assert [str(r.url) for r in seen] == [URL]  # the MockTransport given
    attempts = Attempts(Lost("cut off"))
    with pytest.raises(Lost):
        run(client._transport, CallClass.READ, attempts)
    assert (attempts.count, clock.sleeps) == (2, [0.25])  # the retry policy given
    assert lines.lines == ["TEST DoIt 250ms failed Lost n=2"]  # the logger given


def test_a_provider_clients_deadline_reaches_its_transport(
    log: tuple[logging.Logger, Lines], clock: Clock
) -> None:
    logger, _ = log
    client = _client(logger, [], deadline=clock.now + 1.0)
    assert client._transport.deadline == clock.now + 1.0
    assert client._transport.timeout(4.0, 9.0) == httpx.Timeout(1.0)


def test_a_provider_client_closes_its_transport_on_leaving(
    log: tuple[logging.Logger, Lines],
) -> None:
    logger, _ = log
    with _client(logger, []) as client:
        assert isinstance(client, _Client)
        assert not client._transport._http.is_closed
    assert client._transport._http.is_closed
    other = _client(logger, [])
    other.close()
    assert other._transport._http.is_closed
