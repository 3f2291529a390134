"""The ENOM connection: what this handler's connection form means, and the ENOM client.

`url` empty means ENOM's live API; `username` is the ENOM login ID and `password` the password
or API token. Reading the params is the framework's (pmenomssl.handlers.connection).
"""

from __future__ import annotations

from pmenomssl.handlers.connection import Connection, ConnectionForm, is_or_are, open_client
from pmenomssl.handlers.errors import ConnectionSettingsError
from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pmenomssl.enom import EnomClient

# enom-api.md section 1 "Endpoints"; the sandbox and ENOM's test server are set explicitly.
DEFAULT_URL = "https://reseller.enom.com/interface.asp"
TEST_URL = "https://resellertest.enom.com/interface.asp"


class EnomConnectionForm(ConnectionForm):
    url_label = "the ENOM API URL"
    default_url = DEFAULT_URL

    def required(self, url: str, username: str, password: str) -> tuple[tuple[str, str], ...]:
        return (("login ID (username)", username), ("password or API token", password))

    def missing_error(self, missing: list[str], where: str) -> ConnectionSettingsError:
        return ConnectionSettingsError(
            f"The ENOM {' and '.join(missing)} of {where} {is_or_are(missing)} empty: enter them "
            "in the processing module's settings (Integration > Processing modules). Test "
            "(resellertest.enom.com) and live accounts have separate credentials.",
            obj="processingmodule",
            value=",".join(m.split(" ")[0] for m in missing),
        )

    def refuse_url(self, url: str, where: str) -> None:
        if not url.lower().startswith(("https://", "http://")):
            raise ConnectionSettingsError(
                f"The ENOM API URL {url!r} of {where} is not an http(s) URL: use {DEFAULT_URL} "
                f"(live) or {TEST_URL} (test).",
                obj="url",
                value=url[:100],
            )


FORM = EnomConnectionForm()
# What the commands and the staff commands call.
from_params = FORM.from_params
from_document = FORM.from_document


def make_client(connection: Connection, deadline: float | None = None) -> EnomClient:
    """An ENOM client for `connection` (imports httpx only now)."""
    from pmenomssl.enom import EnomClient

    return open_client(EnomClient, connection, deadline)
