"""The connection form every provider handler has, the `Connection` read from it, and
`ProviderHandler`, the base of a handler with that form.

Params (declared by `CONNECTION_PARAMS`): `url`, `username`, `password` (crypted, so BILLmanager
keeps it encrypted), `sourceip` (handlers/sourceip.py) and `threshold` (handlers/threshold.py).
Reading them is the same for every provider: values stripped, the password registered as a
secret before anything can log it, a URL with credentials in it refused before anything quotes
it, the source address checked. A handler's `ConnectionForm` subclass says only what is its
own: its default URL and how its refusals are worded.

`features` imports this module (for the params): nothing heavy at import time.
"""

from __future__ import annotations

from types import MappingProxyType

from pmenomssl import log, urls
from pmenomssl.handlers.base import Context, Handler, Output, ParamSpec
from pmenomssl.handlers.errors import ConnectionSettingsError
from pmenomssl.handlers.sourceip import PARAM_SOURCEIP, SOURCEIP_PARAM, source_ip, transport
from pmenomssl.handlers.threshold import THRESHOLD_PARAM
from pmenomssl.records import TYPE_CHECKING, record  # not dataclasses/typing: start-up time

if TYPE_CHECKING:  # collections.abc and typing cost start-up time (issue 16): annotations only
    from collections.abc import Callable, Mapping
    from typing import TypeVar

    import httpx
    from lxml import etree

    ClientT = TypeVar("ClientT")

PARAM_URL = "url"
PARAM_USERNAME = "username"
PARAM_PASSWORD = "password"  # noqa: S105 (the param name, not a password)
CONNECTION_PARAMS = (
    ParamSpec(PARAM_URL),
    ParamSpec(PARAM_USERNAME),
    ParamSpec(PARAM_PASSWORD, crypted=True),
    SOURCEIP_PARAM,
    THRESHOLD_PARAM,
)
#: What check_connection's stdin carries (`/doc/processingmodule/<name>`, in plain text).
FORM_FIELDS = (PARAM_URL, PARAM_USERNAME, PARAM_PASSWORD, PARAM_SOURCEIP)


@record(frozen=True)
class Connection:
    """Where and as whom a module reaches its provider."""

    url: str
    username: str
    password: str
    # The address requests leave from ("" = the default route): pmenomssl.handlers.sourceip.
    sourceip: str = ""

    def __repr__(self) -> str:  # the password never reaches a log line through a repr
        return (
            f"Connection(url={self.url!r}, username={self.username!r}, sourceip={self.sourceip!r})"
        )


class ConnectionForm:
    """One handler's reading of the connection params; a subclass words its refusals."""

    #: How refusals name the URL param, e.g. "the ENOM API URL".
    url_label = "the URL"
    #: What an empty `url` means ("": nothing, so the URL is one of the required values).
    default_url = ""

    def required(self, url: str, username: str, password: str) -> tuple[tuple[str, str], ...]:
        """(how refusals name it, value) of each value that must not be empty."""
        return (("URL", url), ("username", username), ("password", password))

    def missing_error(self, missing: list[str], where: str) -> ConnectionSettingsError:
        """The refusal naming the empty values (`missing`: their labels, in order)."""
        raise NotImplementedError

    def refuse_url(self, url: str, where: str) -> None:
        """Raise ConnectionSettingsError for a URL the provider cannot have (default: none)."""

    def from_params(
        self, params: Mapping[str, str], *, where: str = "the processing module"
    ) -> Connection:
        """The connection of a module's params (`processingparam` + decrypted crypted ones)."""
        url = (params.get(PARAM_URL) or "").strip() or self.default_url
        username = (params.get(PARAM_USERNAME) or "").strip()
        password = params.get(PARAM_PASSWORD) or ""
        log.register_secret(password)
        missing = [label for label, value in self.required(url, username, password) if not value]
        if missing:
            raise self.missing_error(missing, where)
        if urls.credentials_in_url(url):  # before anything quotes the URL
            raise ConnectionSettingsError(
                f"{urls.CREDENTIALS_IN_URL} ({self.url_label} of {where})", obj="url"
            )
        self.refuse_url(url, where)
        sourceip = source_ip(params, where)
        return Connection(url=url, username=username, password=password, sourceip=sourceip)

    def from_document(self, doc: etree._Element | None) -> Connection:
        """check_connection's stdin: `/doc/processingmodule/<FORM_FIELDS>` in plain text."""
        node = doc.find("processingmodule") if doc is not None else None
        values: dict[str, str] = {}
        if node is not None:
            for name in FORM_FIELDS:
                values[name] = node.findtext(name) or ""
        return self.from_params(values, where="the connection form")


def is_or_are(names: list[str]) -> str:
    return "is" if len(names) == 1 else "are"


def open_client(
    client_class: Callable[..., ClientT], connection: Connection, deadline: float | None
) -> ClientT:
    """`client_class(url, username, password, deadline=, transport=)` for `connection`, its
    requests leaving from the chosen source address."""
    chosen: httpx.HTTPTransport | None = transport(connection.sourceip)
    return client_class(
        connection.url,
        connection.username,
        connection.password,
        deadline=deadline,
        transport=chosen,
    )


class ProviderHandler(Handler):
    """A handler that resells from an account at a provider: the connection form above, its
    source-address choices (tune_connection), and a paid command tried only once."""

    params = CONNECTION_PARAMS
    # A failed prolong becomes a manual task at once: a retry could pay a second time.
    max_tries: Mapping[str, int] = MappingProxyType({"prolong": 1})

    def command_tune_connection(self, ctx: Context) -> Output:
        from pmenomssl.handlers.sourceip import tune_connection

        return tune_connection(ctx.document)
