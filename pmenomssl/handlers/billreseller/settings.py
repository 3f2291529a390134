"""The upstream connection: what this handler's connection form means, and the upstream client.

`url` is the upstream BILLmanager endpoint as the admin typed it (the client normalises it);
`username` and `password` log in to a Customer-level account there. Reading the params is the
framework's (pmenomssl.handlers.connection).
"""

from __future__ import annotations

from pmenomssl.handlers.connection import Connection, ConnectionForm, is_or_are, open_client
from pmenomssl.handlers.errors import ConnectionSettingsError
from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pmenomssl.upstream import UpstreamClient


class UpstreamConnectionForm(ConnectionForm):
    url_label = "the upstream URL"

    def missing_error(self, missing: list[str], where: str) -> ConnectionSettingsError:
        return ConnectionSettingsError(
            f"The upstream BILLmanager {', '.join(missing)} of {where} {is_or_are(missing)} "
            "empty: enter the upstream's API URL (e.g. https://host/billmgr) and the login of a "
            "Customer-level account in the processing module's settings (Integration > "
            "Processing modules).",
            obj="processingmodule",
            value=",".join(missing),
        )


FORM = UpstreamConnectionForm()
# What the commands and the staff commands call.
from_params = FORM.from_params
from_document = FORM.from_document


def make_client(connection: Connection, deadline: float | None = None) -> UpstreamClient:
    """An upstream client for `connection` (imports httpx only now)."""
    from pmenomssl.upstream import UpstreamClient

    return open_client(UpstreamClient, connection, deadline)
