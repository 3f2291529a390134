"""Every error the upstream-BILLmanager client raises, and the ONE table that maps upstream's
`<error type="…" object="…">` replies onto them.

error_type (each needs a msgerror in the module XML):
    upstream_error               UpstreamError, UpstreamMissing: any other upstream <error>
    upstream_auth                UpstreamAuthFailed: bad username/password
    upstream_ip_restricted       UpstreamIpRestricted: authinfo only from allow-listed IPs
    upstream_two_factor          UpstreamTwoFactor: 2FA on the account blocks API access
    upstream_access_denied       UpstreamAccessDenied: not at Customer level / not allowed
    upstream_insufficient_funds  UpstreamInsufficientFunds: top up the upstream account
    upstream_not_billmanager     UpstreamNotBillmanager: the URL answers, but not as BILLmanager
    upstream_bad_url             UpstreamBadUrl: the configured URL is unusable (not in
                                 UPSTREAM.md's table: an addition, see the client's report)
    upstream_unreachable         UpstreamUnreachable, UpstreamDeadlineExceeded: connect/DNS/TLS,
                                 or no time left to start; nothing was sent
    upstream_bad_response        UpstreamBadResponse: 5xx, truncated XML, no answer in time
    upstream_outcome_unknown     UpstreamOutcomeUnknown: a write/paid call may have been carried
                                 out but its answer was lost; reconcile, never repeat

The upstream error shapes are UNCONFIRMED (no live upstream was available to check them); they
live here only, and the sandbox (pmenomssl.sandbox.upstream) imports the constants below so the
two can never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from pmenomssl.transport.errors import ProviderError

# --- Upstream error shapes (UNCONFIRMED; shared with the sandbox) ----------------------------
ERROR_TYPE_AUTH = "auth"
AUTH_OBJECT_BAD_PASSWORD = "badpassword"  # noqa: S105 (an error name, not a password)
AUTH_OBJECT_IP_RESTRICTED = "iprestricted"
AUTH_OBJECT_TWO_FACTOR = "totp"
ERROR_TYPE_ACCESS = "access"
ERROR_TYPE_NOT_ENOUGH_MONEY = "notenoughmoney"
# A missing object, e.g. the certificate file before the certificate is issued, or a service id
# the account does not have.
ERROR_TYPE_MISSING = "missing"
# The object of a `missing` error that names the function itself: upstream has no such function
# (or not for this account), which no retry or waiting will change.
MISSING_OBJECT_FUNC = "func"


def error_xml(error_type: str, error_object: str = "", msg: str = "") -> str:
    """The reply document for one upstream error shape (for the sandbox and the cassettes)."""
    return (
        f"<?xml version='1.0' encoding='UTF-8'?>\n<doc><error type={quoteattr(error_type)} "
        f"object={quoteattr(error_object)}><msg>{escape(msg)}</msg></error></doc>"
    )


# --- Error classes -------------------------------------------------------------------------


class UpstreamError(ProviderError):
    """Base of every upstream client error; raised itself for an <error> with no closer class.

    `func` is the upstream function called; `upstream_type`, `upstream_object` and
    `upstream_msg` are the attributes and text of upstream's <error> (empty for transport
    errors); `detail` is what the client itself observed.
    """

    error_type = "upstream_error"
    summary = "the upstream BILLmanager refused the call"
    action = "See the upstream BILLmanager's log for the reason, correct it and try again."

    def __init__(
        self,
        detail: str = "",
        *,
        func: str = "",
        upstream_type: str = "",
        upstream_object: str = "",
        upstream_msg: str = "",
    ) -> None:
        self.detail = detail
        self.func = func
        self.upstream_type = upstream_type
        self.upstream_object = upstream_object
        self.upstream_msg = upstream_msg
        super().__init__(self._describe(), obj="upstream", value=func)

    def _describe(self) -> str:
        where = f"Upstream BILLmanager {self.func}" if self.func else "Upstream BILLmanager"
        text = f"{where}: {self.summary}"
        if self.upstream_type or self.upstream_msg:
            shape = "/".join(p for p in (self.upstream_type, self.upstream_object) if p)
            said = self.upstream_msg.strip()
            text += f" (upstream says: {said} [{shape}])" if said else f" (upstream: [{shape}])"
        if self.detail:
            text += f": {self.detail}"
        return f"{text}. {self._action()}"


class UpstreamMissing(UpstreamError):
    """type="missing": the object does not exist (yet). Same error_type; a class to catch."""

    summary = "the upstream BILLmanager has no such object (yet)"
    action = (
        "Check that the upstream service id stored for the service belongs to the configured "
        "upstream account; a certificate file appears only once the certificate is issued."
    )


class UpstreamAuthFailed(UpstreamError):
    error_type = "upstream_auth"
    summary = "the upstream BILLmanager rejected the username or password"
    action = (
        "Check the username and password of the upstream account in the processing module "
        "settings (log in to the upstream's client panel with them to be sure)."
    )


class UpstreamIpRestricted(UpstreamError):
    error_type = "upstream_ip_restricted"
    summary = "the upstream account does not accept API logins from this server's IP address"
    action = (
        "In the upstream account's settings, allow this server's (outgoing) IP address for "
        "API/authinfo access, or remove the IP restriction."
    )


class UpstreamTwoFactor(UpstreamError):
    error_type = "upstream_two_factor"
    summary = "two-factor authentication on the upstream account blocks API access"
    action = (
        "Use an upstream account without two-factor authentication for this module (or switch "
        "it off for this account); the API login cannot answer a one-time code."
    )


class UpstreamAccessDenied(UpstreamError):
    error_type = "upstream_access_denied"
    summary = "the upstream account is not allowed to do this"
    action = (
        "The upstream account must be a client account at Customer level that may order, "
        "stop and delete services; ask the upstream provider to allow it."
    )


class UpstreamInsufficientFunds(UpstreamError):
    error_type = "upstream_insufficient_funds"
    summary = "the upstream account's balance is too low"
    action = "Top up the upstream account, then repeat the operation. Nothing was charged."


class UpstreamNotBillmanager(UpstreamError):
    error_type = "upstream_not_billmanager"
    summary = "the URL answered, but not as a BILLmanager API endpoint"
    action = (
        "Check the upstream URL in the module settings: it must be the BILLmanager endpoint, "
        "e.g. https://host/billmgr or https://host:1500/billmgr (not a login or web page)."
    )


class UpstreamBadUrl(UpstreamError):
    error_type = "upstream_bad_url"
    summary = "the upstream URL in the module settings cannot be used"
    action = (
        "Enter the full https:// URL of the upstream BILLmanager, e.g. https://host/billmgr; "
        "plain http is accepted only on the loopback interface (the password would travel "
        "in clear)."
    )


class UpstreamTransportError(UpstreamError):
    """No usable answer. Base of unreachable, bad response and outcome unknown."""

    error_type = "upstream_unreachable"
    summary = "the upstream BILLmanager could not be reached"
    action = "Check the network, DNS and firewall between this server and the upstream URL."


class UpstreamUnreachable(UpstreamTransportError):
    """The request certainly never reached upstream (DNS, refused, TLS, connect timeout, or the
    deadline ran out before the call started): nothing was done upstream."""

    error_type = "upstream_unreachable"
    summary = "could not connect to the upstream BILLmanager; the request was not sent"
    action = (
        "Check the upstream URL, this server's DNS, the firewall and the upstream's TLS "
        "certificate (verification is never switched off). Nothing was done upstream."
    )


class UpstreamDeadlineExceeded(UpstreamUnreachable):
    """The time allowed for the operation ran out before the call could start."""

    summary = "the time allowed for this operation ran out before the call could start"
    action = "Nothing was sent upstream; the operation is repeated on the next run."


class UpstreamBadResponse(UpstreamTransportError):
    error_type = "upstream_bad_response"
    summary = "the upstream BILLmanager gave no complete answer"
    action = "The upstream may be overloaded or restarting: try again later."


class UpstreamOutcomeUnknown(UpstreamTransportError):
    """A write or paid call may have been carried out, but its answer was lost. The client never
    repeats it; `cause` is the transport error that lost the answer."""

    error_type = "upstream_outcome_unknown"
    summary = "the call may have been carried out upstream, but its answer was lost"
    action = (
        "It was NOT repeated, to avoid doing it (or paying) twice. Reconcile with the upstream "
        "(look for the service by our item id as remoteid) before repeating it."
    )

    def __init__(self, cause: UpstreamTransportError, *, func: str = "") -> None:
        self.cause = cause
        super().__init__(cause.summary + (f": {cause.detail}" if cause.detail else ""), func=func)


class UpstreamUnknownFunction(UpstreamError):
    """Upstream does not know the function (`type="missing" object="func"`): not "not there
    yet" (UpstreamMissing), so a caller that waits for something must report it instead."""

    summary = "the upstream BILLmanager does not offer this function"
    # Another version, or a name marked UNCONFIRMED in functions.py that this upstream spells
    # differently.
    action = (
        "The upstream BILLmanager does not know this function: check that the URL points to a "
        "BILLmanager 6 and report the function name to the module's maintainers; until then do "
        "this step in the upstream's panel by hand."
    )


# --- The ONE classification table: (type, object or None for any) -> class -----------------
# The first row that matches wins; rows with an object come before the type's catch-all.
ERROR_TABLE: Sequence[tuple[str, str | None, type[UpstreamError]]] = (
    (ERROR_TYPE_AUTH, AUTH_OBJECT_IP_RESTRICTED, UpstreamIpRestricted),
    (ERROR_TYPE_AUTH, AUTH_OBJECT_TWO_FACTOR, UpstreamTwoFactor),
    (ERROR_TYPE_AUTH, None, UpstreamAuthFailed),  # badpassword and any other auth object
    (ERROR_TYPE_ACCESS, None, UpstreamAccessDenied),
    (ERROR_TYPE_NOT_ENOUGH_MONEY, None, UpstreamInsufficientFunds),
    (ERROR_TYPE_MISSING, MISSING_OBJECT_FUNC, UpstreamUnknownFunction),
    (ERROR_TYPE_MISSING, None, UpstreamMissing),
)


def error_class(upstream_type: str, upstream_object: str) -> type[UpstreamError]:
    """The class for upstream's <error type object> (UpstreamError when no row matches)."""
    for row_type, row_object, cls in ERROR_TABLE:
        if upstream_type == row_type and row_object in (None, upstream_object):
            return cls
    return UpstreamError


def api_error(
    *, func: str, upstream_type: str, upstream_object: str, upstream_msg: str
) -> UpstreamError:
    """The error to raise for upstream's <error> reply to `func`."""
    cls = error_class(upstream_type, upstream_object)
    return cls(
        func=func,
        upstream_type=upstream_type,
        upstream_object=upstream_object,
        upstream_msg=upstream_msg,
    )
