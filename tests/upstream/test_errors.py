"""Every upstream error shape in the table becomes its error, with a desc that says what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pmenomssl.upstream import (
    UpstreamAccessDenied,
    UpstreamAuthFailed,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamInsufficientFunds,
    UpstreamIpRestricted,
    UpstreamMissing,
    UpstreamNotBillmanager,
    UpstreamOutcomeUnknown,
    UpstreamTwoFactor,
)
from pmenomssl.upstream import errors as upstream_errors
from tests.upstream import vcr_setup

Replay = Callable[..., Any]


@pytest.mark.parametrize(
    ("cassette", "cls", "error_type", "advice"),
    [
        ("error_bad_credentials", UpstreamAuthFailed, "upstream_auth", "username and password"),
        ("error_ip_restricted", UpstreamIpRestricted, "upstream_ip_restricted", "IP address"),
        ("error_two_factor", UpstreamTwoFactor, "upstream_two_factor", "without two-factor"),
        ("error_html_login", UpstreamNotBillmanager, "upstream_not_billmanager", "check the"),
        ("error_404", UpstreamNotBillmanager, "upstream_not_billmanager", "HTTP 404"),
        ("error_http_500", UpstreamBadResponse, "upstream_bad_response", "try again later"),
    ],
)
def test_balance_errors(
    replay: Replay, cassette: str, cls: type[UpstreamError], error_type: str, advice: str
) -> None:
    with replay(cassette) as (client, _), pytest.raises(UpstreamError) as caught:
        client.balance()
    error = caught.value
    assert type(error) is cls
    assert error.error_type == error_type
    assert error.func == "whoami"
    assert advice.lower() in error.desc.lower()
    assert vcr_setup.REPLAY_PASSWORD not in error.desc


def test_upstreams_words_are_in_the_desc(replay: Replay) -> None:
    with replay("error_ip_restricted") as (client, _), pytest.raises(UpstreamIpRestricted) as e:
        client.balance()
    assert "Access from 203.0.113.7 is not allowed" in e.value.desc
    assert "[auth/iprestricted]" in e.value.desc


def test_the_500_is_retried_as_a_read_then_given_up(replay: Replay) -> None:
    # The cassette holds the three attempts the retry policy makes; all must be played.
    with replay("error_http_500") as (client, cassette), pytest.raises(UpstreamBadResponse):
        client.balance()
    assert cassette.play_count == 3


def test_truncated_xml_on_a_read_is_retried_then_bad_response(replay: Replay) -> None:
    with replay("error_truncated") as (client, cassette), pytest.raises(UpstreamBadResponse) as e:
        client.services("vds")
    assert cassette.play_count == 3
    assert "cut off" in e.value.desc


def test_truncated_xml_once_is_healed_by_the_retry(replay: Replay) -> None:
    with replay("error_truncated_then_ok") as (client, _):
        assert [s.id for s in client.services("vds")] == ["101"]


def test_access_denied_on_suspend(replay: Replay) -> None:
    with replay("error_access") as (client, _), pytest.raises(UpstreamAccessDenied) as e:
        client.suspend("vds", "101")
    assert e.value.error_type == "upstream_access_denied"
    assert "Customer level" in e.value.desc


def test_insufficient_funds_on_an_order(replay: Replay) -> None:
    fields = {"pricelist": "22", "order_period": "12", "remoteid": "48"}
    with (
        replay("error_insufficient_funds") as (client, _),
        pytest.raises(UpstreamInsufficientFunds) as e,
    ):
        client.order("vds", fields)
    assert e.value.error_type == "upstream_insufficient_funds"
    assert "Top up the upstream account" in e.value.desc
    assert "12 000,00 RUB needed" in e.value.desc  # whitespace runs are folded


def test_any_other_error_keeps_upstreams_type_object_and_message(replay: Replay) -> None:
    fields = {"pricelist": "21", "order_period": "12", "remoteid": "49", "domain": "bad domain"}
    with replay("error_other") as (client, _), pytest.raises(UpstreamError) as e:
        client.order("vds", fields)
    assert type(e.value) is UpstreamError
    assert e.value.error_type == "upstream_error"
    assert (e.value.upstream_type, e.value.upstream_object) == ("value", "domain")
    assert "Invalid domain name" in e.value.desc and "upstream BILLmanager's log" in e.value.desc


def test_a_500_on_a_paid_call_is_outcome_unknown_and_not_repeated(replay: Replay) -> None:
    # One interaction in the cassette: a second attempt would find no recording and fail.
    fields = {"pricelist": "21", "order_period": "1", "remoteid": "50"}
    with (
        replay("error_http_500_on_order") as (client, cassette),
        pytest.raises(UpstreamOutcomeUnknown) as e,
    ):
        client.order("vds", fields)
    assert cassette.play_count == 1
    assert isinstance(e.value.cause, UpstreamBadResponse)
    assert "NOT repeated" in e.value.desc


@pytest.mark.parametrize(
    ("upstream_type", "upstream_object", "cls"),
    [
        ("auth", "badpassword", UpstreamAuthFailed),
        ("auth", "someotherreason", UpstreamAuthFailed),
        ("auth", "iprestricted", UpstreamIpRestricted),
        ("auth", "totp", UpstreamTwoFactor),
        ("access", "", UpstreamAccessDenied),
        ("access", "vds.delete", UpstreamAccessDenied),
        ("notenoughmoney", "", UpstreamInsufficientFunds),
        ("missing", "elid", UpstreamMissing),
        ("value", "iprestricted", UpstreamError),
        ("", "", UpstreamError),
    ],
)
def test_the_classification_table(
    upstream_type: str, upstream_object: str, cls: type[UpstreamError]
) -> None:
    assert upstream_errors.error_class(upstream_type, upstream_object) is cls


def test_error_types_are_the_documented_few() -> None:
    """The module XML needs a msgerror per type: the set must not grow unnoticed."""
    classes = [
        c
        for c in vars(upstream_errors).values()
        if isinstance(c, type) and issubclass(c, UpstreamError)
    ]
    assert {c.error_type for c in classes} == {
        "upstream_error",
        "upstream_auth",
        "upstream_ip_restricted",
        "upstream_two_factor",
        "upstream_access_denied",
        "upstream_insufficient_funds",
        "upstream_not_billmanager",
        "upstream_bad_url",
        "upstream_unreachable",
        "upstream_bad_response",
        "upstream_outcome_unknown",
    }
    header = upstream_errors.__doc__ or ""
    for c in classes:
        assert c.error_type in header, f"{c.error_type} is not listed at the top of errors.py"


def test_error_xml_is_what_the_client_classifies() -> None:
    """The helper the sandbox renders errors with round-trips through the client's parser."""
    from pmenomssl.upstream.replies import document

    body = upstream_errors.error_xml(
        upstream_errors.ERROR_TYPE_AUTH, upstream_errors.AUTH_OBJECT_TWO_FACTOR, "a <code> & more"
    )
    with pytest.raises(UpstreamTwoFactor) as caught:
        document(body.encode(), "whoami")
    assert caught.value.upstream_msg == "a <code> & more"


def test_an_unknown_function_says_so_rather_than_blaming_the_service_id() -> None:
    unknown = upstream_errors.api_error(
        func="v2.vds.order.param", upstream_type="missing", upstream_object="func", upstream_msg=""
    )
    missing = upstream_errors.api_error(
        func="certificate.file", upstream_type="missing", upstream_object="elid", upstream_msg=""
    )
    assert "does not know this function" in unknown.desc
    assert isinstance(unknown, upstream_errors.UpstreamUnknownFunction)
    assert not isinstance(unknown, upstream_errors.UpstreamMissing), "never 'not there yet'"
    assert "service id" not in unknown.desc
    assert "service id" in missing.desc
    assert unknown.error_type == missing.error_type == "upstream_error"
