"""ENOM's way of failing, in the sandbox: `Err` texts plus ResponseNumber/ResponseString pairs.

ENOM behaviour that the reference marks UNCONFIRMED is isolated in the constants below (error
texts and numbers) so it can be changed in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

# Known from [SUP-TROUBLE]:
BAD_LOGIN = ("Bad User name or Password", "304155", "Validation error; invalid ; loginid")
IP_NOT_ALLOWED_TEXT = (
    "User not permitted from this IP address - {ip}. See Whitelisting your IP "
    "(https://help.enom.com/hc/en-us/articles/115000104711) for instructions."
)
IP_NOT_ALLOWED = ("713254", "Policy error; unauthorized; user(s)")
CSR_ERRORS = ("500 - Unable to parse CSR.", "Unable to retrieve CSR information")
CSR_RESPONSE = ("620397", "System error; failed to send; SSL Certificate")
PHONE_ERROR = "Parameter value range error - 7037 - Invalid telephone number format."
GEOTRUST_NON_ASCII = "Failure connecting to GeoTrust API"
# UNCONFIRMED in the reference: the insufficient-funds text and number. The number follows the
# documented scheme (5 payment, 24 insufficient reseller balance, 181 account balance).
INSUFFICIENT_FUNDS = (
    "Insufficient funds to complete this purchase",
    "524181",
    "Payment error; insufficient reseller balance; account balance",
)
# UNCONFIRMED: everything below is built from the documented ResponseNumber scheme only.
NOT_FOUND = ("316397", "Validation error; not found; SSL Certificate")
ORDER_NOT_FOUND = "Order does not exist or does not belong to customer"
POLICY = ("706397", "Policy error; policy violation; SSL Certificate")
INVALID = ("304397", "Validation error; invalid ; SSL Certificate")
MISSING = ("301397", "Validation error; missing; SSL Certificate")
INVALID_PRODUCT = ("304182", "Validation error; invalid ; product type")
INVALID_YEARS = ("303183", "Validation error; out of range; quantity")
NON_ASCII_RESPONSE = ("621397", "System error; failed to process; SSL Certificate")
CONTACT_CODES = {"Admin": "148", "Tech": "147", "Billing": "149"}
CONTACT_NAMES = {
    "Admin": "Administrative contact",
    "Tech": "Technical contact",
    "Billing": "Billing contact",
}


class EnomError(Exception):
    """A command failed the ENOM way: `errors` become Err1..N, `responses` the <response>s."""

    def __init__(self, errors: Sequence[str], responses: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)
        self.responses = list(responses)


def fail(text: str, response: tuple[str, str] | None = None) -> EnomError:
    return EnomError([text], [response] if response else [])


def ip_not_allowed(client_ip: str) -> EnomError:
    return EnomError([IP_NOT_ALLOWED_TEXT.format(ip=client_ip)], [IP_NOT_ALLOWED])
