"""Every error the ENOM client raises, and the one function that maps ENOM's answers onto them.

error_type (each needs a msgerror in the module XML):
    enom_api_error           EnomError, EnomApiError: ENOM refused the command for another reason
    invalid_login_or_passwd  EnomAuthError: bad login ID or password/API token
    enom_ip_not_allowed      EnomIpNotAllowedError: this server's IP is not allow-listed
    enom_insufficient_funds  EnomInsufficientFundsError: reseller balance too low (5x24xx)
    enom_payment_declined    EnomPaymentDeclinedError: ENOM declined the payment (5x14xx)
    enom_payment_not_taken   EnomPaymentNotTakenError: ENOM failed to deduct the price (5x19xx)
    enom_payment_error       EnomPaymentError: another payment error (5xxxxx)
    enom_invalid_csr         EnomInvalidCsrError: ENOM could not parse the CSR
    enom_not_found           EnomNotFoundError: no such certificate/order in this account
    enom_unreachable         EnomTransportError and EnomConnectError, EnomReadTimeoutError,
                             EnomDeadlineExceededError: no usable answer, nothing was charged
    enom_bad_response        EnomMalformedResponseError: the answer was not ENOM's XML
    enom_outcome_unknown     EnomOutcomeUnknownError: a paid or state-changing command may have
                             been carried out but its answer was lost; reconcile before repeating

Every `desc` says what failed, ENOM's own words, what to do, and the TrackingKey for support.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import ClassVar

from pmenomssl.transport.errors import ProviderError

LIVE_ALLOW_LIST = "https://cp.enom.com (Resellers > Manage > API)"
TEST_ALLOW_LIST = "https://cp.enom.com/resellers/reseller-testaccount.aspx"


class EnomError(ProviderError):
    """Base of every ENOM client error. Subclasses set `summary` (what failed) and `action`."""

    error_type = "enom_api_error"
    summary = "the ENOM API call failed"
    action = "Check the ENOM account and the module log; contact ENOM support with the TrackingKey."

    def __init__(
        self,
        detail: str = "",
        *,
        command: str = "",
        messages: Sequence[str] = (),
        response_numbers: Sequence[str] = (),
        tracking_key: str = "",
    ) -> None:
        self.command = command
        self.messages = tuple(messages)
        self.response_numbers = tuple(response_numbers)
        self.tracking_key = tracking_key
        self.detail = detail
        super().__init__(self._describe(), obj="enom", value=command)

    def _describe(self) -> str:
        head = f"ENOM {self.command}: {self.summary}" if self.command else f"ENOM: {self.summary}"
        said = "; ".join(m for m in self.messages if m)
        if said:
            head += f" (ENOM says: {said}"
            head += f" [{', '.join(self.response_numbers)}])" if self.response_numbers else ")"
        if self.detail:
            head += f": {self.detail}"
        text = f"{head}. {self._action()}"
        if self.tracking_key:
            text += f" ENOM TrackingKey: {self.tracking_key}."
        return text


class EnomApiError(EnomError):
    """ENOM answered with an error that has no more specific class."""

    error_type = "enom_api_error"
    summary = "ENOM refused the command"
    action = (
        "Correct the data ENOM complains about and try again; if the message is unclear, contact "
        "ENOM support with the TrackingKey."
    )


class EnomAuthError(EnomError):
    error_type = "invalid_login_or_passwd"
    summary = "ENOM rejected the login ID or password/API token"
    action = (
        "Check the login ID and the password or API token in the processing module settings. "
        "The test environment (resellertest.enom.com) and the live one (reseller.enom.com) have "
        "separate accounts and credentials: use the ones that belong to the configured URL."
    )


class EnomIpNotAllowedError(EnomError):
    error_type = "enom_ip_not_allowed"
    summary = "ENOM does not accept API calls from this server's IP address"

    @property
    def ip(self) -> str:
        """The caller's IP as ENOM quotes it in its messages; "" where it quotes none."""
        return ip_from_messages(self.messages)

    def _action(self) -> str:
        who = f"the IP address {self.ip}" if self.ip else "the IP address quoted by ENOM"
        return (
            f"Add {who} (as ENOM sees it; it may differ from the server's own idea of its IP) to "
            f"the API allow-list of the ENOM account: live at {LIVE_ALLOW_LIST}, test environment "
            f"at {TEST_ALLOW_LIST} (a separate list). Dynamic ranges need a request to ENOM "
            "support."
        )


class EnomInsufficientFundsError(EnomError):
    error_type = "enom_insufficient_funds"
    summary = "the ENOM reseller balance is too low for this purchase"
    action = (
        "Add funds to the ENOM reseller account (check AvailableBalance with GetBalance), then "
        "repeat the order. Nothing was charged."
    )


class EnomPaymentError(EnomError):
    """A payment error (response number 5xxxxx) other than the specific ones below."""

    error_type = "enom_payment_error"
    summary = "ENOM refused the payment for this purchase"
    action = (
        "Check the ENOM reseller account (balance, payment settings, account standing) and the "
        "order list for this purchase before ordering again; contact ENOM support with the "
        "TrackingKey if the reason is unclear."
    )


class EnomPaymentDeclinedError(EnomPaymentError):
    """5x14xx: "declined" in ENOM's error-code scheme (api-error-codes)."""

    error_type = "enom_payment_declined"
    summary = "ENOM declined the payment for this purchase"
    action = (
        "ENOM's payment was declined, which a top-up of the balance does not fix: check the "
        "payment method and the account standing at ENOM (or ask ENOM support with the "
        "TrackingKey), then repeat the order. It was not repeated automatically."
    )


class EnomPaymentNotTakenError(EnomPaymentError):
    """5x19xx: "failed to deduct" in ENOM's error-code scheme (api-error-codes)."""

    error_type = "enom_payment_not_taken"
    summary = "ENOM failed to deduct the price from the reseller account"
    action = (
        "ENOM could not take the payment; this is usually temporary on ENOM's side. Check the "
        "ENOM order list for this purchase, then repeat the order (the module looks for an "
        "unrecorded purchase first); contact ENOM support with the TrackingKey if it persists."
    )


class EnomInvalidCsrError(EnomError):
    error_type = "enom_invalid_csr"
    summary = "ENOM could not read the certificate signing request (CSR)"
    action = (
        "Generate a new CSR (PEM including the BEGIN/END CERTIFICATE REQUEST lines, RSA 2048+ "
        "bits, the domain as Common Name, ASCII only) and submit it again."
    )


class EnomNotFoundError(EnomError):
    error_type = "enom_not_found"
    summary = "ENOM has no such certificate or order in this account"
    action = (
        "Check that the certificate/order ID stored for the service belongs to the configured ENOM "
        "account and environment (test and live IDs differ)."
    )


class EnomTransportError(EnomError):
    """No usable answer from ENOM. Base of the connection, timeout and bad-response errors."""

    error_type = "enom_unreachable"
    summary = "ENOM could not be reached"
    action = (
        "Check the server's network, DNS and outgoing HTTPS (port 443) to the ENOM API URL; the "
        "operation is repeated automatically on the next run."
    )


class EnomConnectError(EnomTransportError):
    """The request provably never reached ENOM (DNS, refused, TLS handshake, connect timeout)."""

    summary = "could not connect to ENOM; the request was not sent"

    # reason -> what to check
    _ACTIONS: ClassVar[dict[str, str]] = {
        "dns": "The ENOM host name did not resolve: check the server's DNS resolver.",
        "refused": "The connection was refused: check the URL and any firewall or proxy.",
        "tls": (
            "The TLS handshake failed: check the system CA certificates and the server clock; "
            "TLS verification is never switched off."
        ),
        "timeout": "Connecting timed out: check outgoing HTTPS (port 443) and the firewall.",
        "other": "Check the server's network and outgoing HTTPS (port 443).",
    }

    def __init__(self, detail: str = "", *, command: str = "", reason: str = "other") -> None:
        self.reason = reason if reason in self._ACTIONS else "other"
        super().__init__(detail, command=command)

    def _action(self) -> str:
        return f"{self._ACTIONS[self.reason]} Nothing was sent to ENOM, so nothing was charged."


class EnomReadTimeoutError(EnomTransportError):
    summary = "ENOM did not answer in time"
    action = (
        "ENOM may be slow or down; the operation is repeated automatically on the next run. If it "
        "persists, raise the read timeout or check https://status.enom.com."
    )


class EnomDeadlineExceededError(EnomTransportError):
    summary = "the time allowed for this operation ran out before the ENOM call could start"
    action = "Nothing was sent; the operation is repeated automatically on the next run."


class EnomMalformedResponseError(EnomTransportError):
    error_type = "enom_bad_response"
    summary = "ENOM's answer was not a complete ENOM XML response"
    action = (
        "ENOM or something between this server and ENOM (proxy, captive portal) returned an "
        "unexpected page; check the API URL (https://reseller.enom.com/interface.asp or "
        "https://resellertest.enom.com/interface.asp) and retry later."
    )


class EnomOutcomeUnknownError(EnomTransportError):
    """A paid or state-changing command may have been carried out, but its answer was lost.

    The client never repeats such a command; the caller must reconcile first (CertGetCerts
    sorted by CertID descending, CertGetCertDetail or GetOrderDetail). `cause` is the transport
    error that lost the answer.
    """

    error_type = "enom_outcome_unknown"
    summary = "the command may have been carried out by ENOM, but its answer was lost"

    def __init__(self, cause: EnomTransportError, *, command: str = "") -> None:
        self.cause = cause
        super().__init__(
            cause.summary + (f": {cause.detail}" if cause.detail else ""),
            command=command,
            messages=cause.messages,
            response_numbers=cause.response_numbers,
            tracking_key=cause.tracking_key,
        )

    def _action(self) -> str:
        if self.command.lower() == "purchaseservices":
            return (
                "It was NOT repeated, to avoid paying twice. Check the ENOM account (newest "
                "certificates by CertID, or the order list) for a certificate bought just now "
                "before ordering again."
            )
        return (
            "It was NOT repeated. Check the certificate's current state at ENOM "
            "(CertGetCertDetail) before repeating the operation."
        )


# --- Classification: ENOM's error texts and response numbers -> the classes above -----------
# Response numbers are six digits: system (1), error (2-3), parameter (4-6) [DOC:api-error-codes].
# Payment errors have system digit 5; their error digits: 24 insufficient reseller balance, 14
# declined, 19 failed to deduct (settled-facts.md). The code decides; a text decides only when
# ENOM sent no response number. Exact texts for insufficient funds and not-found are UNCONFIRMED.

_AUTH_NUMBERS = frozenset({"304155", "304156"})
_IP_NUMBERS = frozenset({"713254"})
_CSR_NUMBERS = frozenset({"620397"})
_IP_TEXT = re.compile(r"not permitted from this ip", re.IGNORECASE)
_AUTH_TEXT = re.compile(r"bad user ?name or password|invalid (login|user ?name|password)", re.I)
_FUNDS_TEXT = re.compile(
    r"insufficient (reseller )?(funds|balance)|balance is too low", re.IGNORECASE
)
_PAYMENT_SYSTEM = "5"
_PAYMENT_ERRORS: dict[str, type[EnomError]] = {
    "24": EnomInsufficientFundsError,
    "14": EnomPaymentDeclinedError,
    "19": EnomPaymentNotTakenError,
}
_CSR_TEXT = re.compile(r"parse csr|csr information|invalid csr|bad csr|csr is invalid", re.I)
_NOT_FOUND_TEXT = re.compile(
    r"not found|does not exist|no such|does not belong|invalid cert ?id|invalid order ?id", re.I
)
_IP_IN_TEXT = re.compile(r"ip address\s*[-:]?\s*([0-9A-Fa-f:.]+[0-9A-Fa-f])", re.IGNORECASE)


def ip_from_messages(messages: Sequence[str]) -> str:
    """The caller's IP that ENOM quotes in "User not permitted from this IP address - <ip>"."""
    for message in messages:
        match = _IP_IN_TEXT.search(message)
        if match:
            candidate = match.group(1).rstrip(".")
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                continue
    return ""


def _error_bits(number: str) -> str:
    return number[1:3] if len(number) == 6 and number.isdigit() else ""


def error_class(messages: Sequence[str], response_numbers: Sequence[str]) -> type[EnomError]:
    """The error class for ENOM's error texts and response numbers (first rule that matches)."""
    text = " | ".join(messages)
    numbers = set(response_numbers)
    if numbers & _IP_NUMBERS or _IP_TEXT.search(text):
        return EnomIpNotAllowedError
    if numbers & _AUTH_NUMBERS or _AUTH_TEXT.search(text):
        return EnomAuthError
    payment = sorted(n for n in numbers if _error_bits(n) and n.startswith(_PAYMENT_SYSTEM))
    if payment:
        return _PAYMENT_ERRORS.get(_error_bits(payment[0]), EnomPaymentError)
    if any(_error_bits(n) == "24" for n in numbers) or (not numbers and _FUNDS_TEXT.search(text)):
        return EnomInsufficientFundsError
    if numbers & _CSR_NUMBERS or _CSR_TEXT.search(text):
        return EnomInvalidCsrError
    if any(_error_bits(n) == "16" for n in numbers) or _NOT_FOUND_TEXT.search(text):
        return EnomNotFoundError
    return EnomApiError


def api_error(
    *,
    command: str,
    messages: Sequence[str],
    response_numbers: Sequence[str],
    tracking_key: str = "",
) -> EnomError:
    """The error to raise for an ENOM error response."""
    cls = error_class(messages, response_numbers)
    return cls(
        command=command,
        messages=messages,
        response_numbers=response_numbers,
        tracking_key=tracking_key,
    )
