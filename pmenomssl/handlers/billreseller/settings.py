"""The processing module's settings and the upstream client made from them.

Connection form params: `url` (the upstream BILLmanager endpoint, as the admin typed it; the
client normalises it), `username`, `password` (crypted: BILLmanager keeps it encrypted).
"""

from __future__ import annotations

from collections.abc import Mapping

from pmenomssl import log, urls
from pmenomssl.handlers.billreseller.errors import ConnectionSettingsError
from pmenomssl.handlers.sourceip import PARAM_SOURCEIP as PARAM_SOURCEIP
from pmenomssl.handlers.sourceip import source_ip, transport
from pmenomssl.records import TYPE_CHECKING, record  # not dataclasses/typing: start-up time

if TYPE_CHECKING:
    from lxml import etree

    from pmenomssl.upstream import UpstreamClient

PARAM_URL = "url"
PARAM_USERNAME = "username"
PARAM_PASSWORD = "password"  # noqa: S105 (the param name, not a password)


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
    url = (params.get(PARAM_URL) or "").strip()
    username = (params.get(PARAM_USERNAME) or "").strip()
    password = params.get(PARAM_PASSWORD) or ""
    log.register_secret(password)
    missing = [
        label
        for label, value in (("URL", url), ("username", username), ("password", password))
        if not value
    ]
    if missing:
        raise ConnectionSettingsError(
            f"The upstream BILLmanager {', '.join(missing)} of {where} "
            f"{'is' if len(missing) == 1 else 'are'} empty: enter the upstream's API URL (e.g. "
            "https://host/billmgr) and the login of a Customer-level account in the processing "
            "module's settings (Integration > Processing modules).",
            obj="processingmodule",
            value=",".join(missing),
        )
    if urls.credentials_in_url(url):  # before anything quotes the URL
        raise ConnectionSettingsError(
            f"{urls.CREDENTIALS_IN_URL} (the upstream URL of {where})", obj="url"
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


def make_client(connection: Connection, deadline: float | None = None) -> UpstreamClient:
    """An upstream client for `connection` (imports httpx only now)."""
    from pmenomssl.upstream import UpstreamClient

    return UpstreamClient(
        connection.url,
        connection.username,
        connection.password,
        deadline=deadline,
        transport=transport(connection.sourceip),
    )
