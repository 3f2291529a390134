"""The processing module's connection settings and the ENOM client made from them.

Params (the connection form): `url` (default ENOM's live API), `username` (the ENOM login ID)
and `password` (the password or API token; crypted, so BILLmanager keeps it encrypted).
"""

from __future__ import annotations

from pmenomssl import log, urls
from pmenomssl.handlers.enomssl.errors import ConnectionSettingsError
from pmenomssl.handlers.sourceip import PARAM_SOURCEIP as PARAM_SOURCEIP
from pmenomssl.handlers.sourceip import source_ip, transport
from pmenomssl.records import TYPE_CHECKING, record  # not dataclasses/typing: start-up time

if TYPE_CHECKING:  # collections.abc costs start-up time (issue 16): annotations only
    from collections.abc import Mapping

    from lxml import etree

    from pmenomssl.enom import EnomClient

PARAM_URL = "url"
PARAM_USERNAME = "username"
PARAM_PASSWORD = "password"  # noqa: S105 (the param name, not a password)
# enom-api.md section 1 "Endpoints"; the sandbox and ENOM's test server are set explicitly.
DEFAULT_URL = "https://reseller.enom.com/interface.asp"


@record(frozen=True)
class Connection:
    url: str
    username: str
    password: str
    # The address requests leave from ("" = the default route): pmenomssl.handlers.sourceip.
    sourceip: str = ""

    def __repr__(self) -> str:  # the password never reaches a log line through a repr
        return (
            f"Connection(url={self.url!r}, username={self.username!r}, sourceip={self.sourceip!r})"
        )


def from_params(params: Mapping[str, str], *, where: str = "the processing module") -> Connection:
    """The connection of a module's params (`processingparam` + decrypted crypted ones)."""
    url = (params.get(PARAM_URL) or "").strip() or DEFAULT_URL
    username = (params.get(PARAM_USERNAME) or "").strip()
    password = params.get(PARAM_PASSWORD) or ""
    log.register_secret(password)
    missing = [
        label
        for label, value in (("login ID (username)", username), ("password or API token", password))
        if not value
    ]
    if missing:
        raise ConnectionSettingsError(
            f"The ENOM {' and '.join(missing)} of {where} {'is' if len(missing) == 1 else 'are'} "
            "empty: enter them in the processing module's settings (Integration > Processing "
            "modules). Test (resellertest.enom.com) and live accounts have separate credentials.",
            obj="processingmodule",
            value=",".join(m.split(" ")[0] for m in missing),
        )
    if urls.credentials_in_url(url):
        raise ConnectionSettingsError(
            f"{urls.CREDENTIALS_IN_URL} (the ENOM API URL of {where})", obj="url"
        )
    if not url.lower().startswith(("https://", "http://")):
        raise ConnectionSettingsError(
            f"The ENOM API URL {url!r} of {where} is not an http(s) URL: use {DEFAULT_URL} (live) "
            "or https://resellertest.enom.com/interface.asp (test).",
            obj="url",
            value=url[:100],
        )
    sourceip = source_ip(params, ConnectionSettingsError, where)
    return Connection(url=url, username=username, password=password, sourceip=sourceip)


def from_document(doc: etree._Element | None) -> Connection:
    """check_connection's stdin: `/doc/processingmodule/{url,username,password}` in plain text."""
    node = doc.find("processingmodule") if doc is not None else None
    values: dict[str, str] = {}
    if node is not None:
        for name in (PARAM_URL, PARAM_USERNAME, PARAM_PASSWORD, PARAM_SOURCEIP):
            values[name] = node.findtext(name) or ""
    return from_params(values, where="the connection form")


def make_client(connection: Connection, deadline: float | None = None) -> EnomClient:
    """An ENOM client for `connection` (imports httpx only now)."""
    from pmenomssl.enom import EnomClient

    return EnomClient(
        connection.url,
        connection.username,
        connection.password,
        deadline=deadline,
        transport=transport(connection.sourceip),
    )
