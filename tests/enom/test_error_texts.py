"""`pmenomssl.enom.errors`: what staff read, written out in full, and the classification of
ENOM's response numbers (enom-api.md; settled-facts.md: 5xxxxx payment, digits 2-3 "24"
insufficient balance). Tests added for mutation survivors (issue 17)."""

from __future__ import annotations

import pytest

from pmenomssl.enom.errors import (
    EnomApiError,
    EnomConnectError,
    EnomInsufficientFundsError,
    EnomIpNotAllowedError,
    EnomNotFoundError,
    EnomPaymentDeclinedError,
    EnomReadTimeoutError,
    api_error,
    error_class,
    ip_from_messages,
)


def test_the_full_text_of_an_api_error() -> None:
    error = EnomApiError(
        "in the reply",
        command="CertGetCerts",
        messages=["First", "", "Second"],
        response_numbers=["123456", "654321"],
        tracking_key="TK-1",
    )
    assert error.desc == (
        "ENOM CertGetCerts: ENOM refused the command (ENOM says: First; Second "
        "[123456, 654321]): in the reply. Correct the data ENOM complains about and try again; "
        "if the message is unclear, contact ENOM support with the TrackingKey. "
        "ENOM TrackingKey: TK-1."
    )
    assert (error.obj, error.value) == ("enom", "CertGetCerts")


def test_an_api_error_without_command_numbers_or_key() -> None:
    error = EnomApiError(messages=["Only text"])
    assert error.desc == (
        "ENOM: ENOM refused the command (ENOM says: Only text). Correct the data ENOM complains "
        "about and try again; if the message is unclear, contact ENOM support with the "
        "TrackingKey."
    )
    assert (error.obj, error.value, error.detail, error.tracking_key) == ("enom", "", "", "")


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        (["524123"], EnomInsufficientFundsError),  # 5xxxxx with 24: insufficient balance
        (["514000"], EnomPaymentDeclinedError),  # 5x14xx: declined, not a low balance
        (["324000"], EnomInsufficientFundsError),  # 24 in any system
        (["316000"], EnomNotFoundError),
        (["5abcde"], EnomApiError),  # not six digits: no classification by number
        (["524"], EnomApiError),
        (["1162"], EnomApiError),
        (["5240000"], EnomApiError),
    ],
)
def test_response_numbers_classify_only_when_six_digits(
    numbers: list[str], expected: type[Exception]
) -> None:
    assert error_class(["an error"], numbers) is expected


def test_texts_are_searched_across_every_message() -> None:
    assert error_class(["Something", "Insufficient funds"], []) is EnomInsufficientFundsError
    error = api_error(command="PurchaseServices", messages=["x"], response_numbers=["524123"])
    assert isinstance(error, EnomInsufficientFundsError)
    assert "TrackingKey:" not in error.desc  # none was given
    assert (error.command, error.messages, error.response_numbers) == (
        "PurchaseServices",
        ("x",),
        ("524123",),
    )


@pytest.mark.parametrize(
    ("messages", "ip"),
    [
        (["User not permitted from this IP address - 203.0.113.7."], "203.0.113.7"),
        (["IP address: 2001:db8::1"], "2001:db8::1"),
        (["IP address - 999.1.1.1", "IP address - 198.51.100.2"], "198.51.100.2"),
        (["no address here"], ""),
    ],
)
def test_the_ip_enom_quotes(messages: list[str], ip: str) -> None:
    assert ip_from_messages(messages) == ip


def test_ip_not_allowed_names_the_ip_or_says_enom_quoted_it() -> None:
    named = EnomIpNotAllowedError(
        "x", command="GetBalance", messages=["User not permitted from this IP address - 1.2.3.4"]
    )
    assert named.ip == "1.2.3.4"
    assert "Add the IP address 1.2.3.4 (as ENOM sees it" in named.desc
    assert named.desc.endswith("Dynamic ranges need a request to ENOM support.")
    assert (named.command, named.detail, named.value) == ("GetBalance", "x", "GetBalance")
    anonymous = EnomIpNotAllowedError(messages=["not permitted from this IP"])
    assert anonymous.desc.startswith(
        "ENOM: ENOM does not accept API calls from this server's IP address (ENOM says: not "
        "permitted from this IP). Add the IP address quoted by ENOM (as ENOM sees it"
    ), anonymous.desc


def test_a_connect_error_says_nothing_was_charged() -> None:
    bare = EnomConnectError()
    assert (bare.command, bare.detail, bare.reason) == ("", "", "other")
    assert bare.desc.startswith("ENOM: ")
    error = EnomConnectError("refused", command="PurchaseServices", reason="made-up")
    assert error.reason == "other"
    assert error.desc.startswith("ENOM PurchaseServices: ")
    assert ": refused. " in error.desc
    assert error.desc.endswith("Nothing was sent to ENOM, so nothing was charged.")


def test_a_lost_purchase_answer_says_it_was_not_repeated() -> None:
    from pmenomssl.enom.errors import EnomOutcomeUnknownError

    cause = EnomReadTimeoutError("no answer in 60 s", command="PurchaseServices")
    error = EnomOutcomeUnknownError(cause, command="PurchaseServices")
    assert error.desc.endswith(
        "It was NOT repeated, to avoid paying twice. Check the ENOM account (newest certificates "
        "by CertID, or the order list) for a certificate bought just now before ordering again."
    )
    assert f": {cause.summary}: no answer in 60 s. " in error.desc
    # what ENOM said with the lost answer stays with the error, for support
    said = EnomReadTimeoutError(
        command="PurchaseServices", messages=["m"], response_numbers=["123456"], tracking_key="K"
    )
    carried = EnomOutcomeUnknownError(said, command="PurchaseServices")
    assert (carried.messages, carried.response_numbers, carried.tracking_key) == (
        ("m",),
        ("123456",),
        "K",
    )
    assert "ENOM TrackingKey: K." in carried.desc
    assert EnomOutcomeUnknownError(said).desc.startswith("ENOM: ")  # no command given
    other = EnomOutcomeUnknownError(EnomReadTimeoutError(), command="CertReissueCert")
    assert other.desc.endswith(
        f": {EnomReadTimeoutError.summary}. It was NOT repeated. Check the certificate's current "
        "state at ENOM (CertGetCertDetail) before repeating the operation."
    )
