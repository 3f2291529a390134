"""The URL rules both modules apply: no credentials in a URL, plain http only to loopback.

A password inside a URL (`https://user:pass@host/`) was echoed in error XML, the log and
`check` output. Such a URL is refused, and the refusal never repeats the URL; the password part
is also registered as a secret, so no later log line can carry it.
"""

from __future__ import annotations

from pmenomssl import log

# scheme://userinfo@host...: any "@" before the query or fragment counts (RFC 3986 3.2.1), even
# after an unencoded "/" in the password, and also without a scheme ("user:pass@host"), as an
# admin may paste it. No API endpoint either module uses has an "@" in its path.
# Compiled when a URL is checked: `re` costs `features`/`approver` start-up time (issue 16).
_USERINFO = r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*://)?([^?#\s]*)@"

LOOPBACK_NAMES = frozenset({"localhost"})

CREDENTIALS_IN_URL = (
    "The URL contains a user name or password (user:password@host): enter the URL without "
    "them, and the login and password in the module's username and password fields. The URL "
    "is not repeated here because it holds a password."
)


def credentials_in_url(url: str) -> bool:
    """Whether `url` carries a user name or password; a password found is registered as a
    secret at once."""
    import re

    match = re.match(_USERINFO, url)
    if match is None:
        return False
    userinfo = match.group(1)
    log.register_secret(userinfo)
    if ":" in userinfo:
        log.register_secret(userinfo.split(":", 1)[1])
    return True


def is_loopback(host: str) -> bool:
    """Whether `host` (a name, an IPv4 or an IPv6 address, bracketed or not) is this machine's
    loopback interface: the only place plain http may go (a sandbox), since the password would
    travel in clear."""
    import ipaddress

    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def mysql_ssl_disabled(host: str, unix_socket: str | None) -> bool | None:
    """PyMySQL's `ssl_disabled`: True for a server on this machine, None (PyMySQL's own
    default) for one on another machine.

    To a socket or a loopback address TLS protects nothing, and PyMySQL 1.2 builds an unverified
    "preferred" TLS context on every connect, loading the system's CA store: ~20 ms in every run
    of the module and of the stand-in's mgrctl, measured on the CI machine.
    """
    return True if unix_socket or is_loopback(host) else None
