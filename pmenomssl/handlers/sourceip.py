"""The source address of the module's outgoing requests: the connection param `sourceip`.

Source (settled-facts.md; ISPsystem's GlobalSign module `pmglobalsign.py`): ENOM and an upstream
BILLmanager often answer only allow-listed addresses, and a billing server often has several.
GlobalSign declares a `sourceip` param, shows it as `<select name="sourceip"/>` in its
connection form, implements `tune_connection` (stdin: the form; it appends
`<slist name="sourceip">` with an empty choice and one choice per address of the host) and
binds its HTTP session to the chosen address.

Both handlers use this one module. Where GlobalSign is loose, the choices here protect the
provider: a value that is not an IP address is refused with a message (GlobalSign silently
falls back to the default address, which then fails the IP allow-list with a less clear
error); an empty value means the system's default route, as in GlobalSign.
"""

from __future__ import annotations

from pmenomssl.handlers.base import ParamSpec
from pmenomssl.handlers.errors import ConnectionSettingsError
from pmenomssl.records import TYPE_CHECKING  # `features` imports this: no typing/httpx

if TYPE_CHECKING:  # collections.abc and logging cost start-up time (issue 16)
    from collections.abc import Mapping

    import httpx
    from lxml import etree

PARAM_SOURCEIP = "sourceip"
SOURCEIP_PARAM = ParamSpec(PARAM_SOURCEIP, select=True)
#: The text of the empty choice ("the default address"); GlobalSign shows `null`.
DEFAULT_CHOICE = "null"


def source_ip(params: Mapping[str, str], where: str) -> str:
    """The chosen source address ("" = the default route); invalid_connection when the value
    is not an IP address."""
    import ipaddress

    text = (params.get(PARAM_SOURCEIP) or "").strip()
    if not text or text == DEFAULT_CHOICE:
        return ""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ConnectionSettingsError(
            f"The source IP address {text[:60]!r} of {where} is not an IP address: choose one "
            "of the server's addresses (or the empty choice) in the processing module's "
            "settings.",
            obj=PARAM_SOURCEIP,
            value=text[:60],
        ) from None


def transport(address: str) -> httpx.HTTPTransport | None:
    """An HTTP transport whose connections leave from `address` (None for the default)."""
    if not address:
        return None
    import httpx

    return httpx.HTTPTransport(local_address=address, verify=True)


def describe(address: str) -> str:
    """How messages name the address used: `from 192.0.2.10` or `from the default address`."""
    return f"from {address}" if address else "from the server's default address"


def host_addresses() -> list[str]:
    """The host's own addresses, loopback and link-local left out (ENOM never sees them):
    the interfaces' addresses on Linux (`/proc/net/fib_trie`, `/proc/net/if_inet6`), plus
    what the host name resolves to (GlobalSign's only source)."""
    import ipaddress

    found: list[str] = []
    for text in (*_linux_addresses(), *_hostname_addresses()):
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            continue
        if str(address) not in found:
            found.append(str(address))
    return found


def _hostname_addresses() -> list[str]:
    import socket

    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return []
    return [str(info[4][0]).split("%")[0] for info in infos]


def _linux_addresses() -> list[str]:
    from pathlib import Path

    found: list[str] = []
    try:  # IPv4: a LOCAL /32 host entry follows each local address in the FIB trie
        lines = Path("/proc/net/fib_trie").read_text(encoding="ascii").splitlines()
    except OSError:
        lines = []
    for previous, line in zip(lines, lines[1:]):
        if "/32 host LOCAL" in line and "|--" in previous:
            found.append(previous.split("|--")[-1].strip())
    try:  # IPv6: 32 hex digits per line, first column
        for line in Path("/proc/net/if_inet6").read_text(encoding="ascii").splitlines():
            digits = line.split()[0] if line.split() else ""
            if len(digits) == 32:
                found.append(":".join(digits[i : i + 4] for i in range(0, 32, 4)))
    except OSError:
        pass
    return found


def tune_connection(form: etree._Element | None) -> etree._Element:
    """The connection form BILLmanager sent, with `<slist name="sourceip">` appended: the
    empty choice, then one choice per address of the host."""
    from lxml import etree

    doc = form if form is not None else etree.Element("doc")
    for old in doc.findall(f"slist[@name='{PARAM_SOURCEIP}']"):
        doc.remove(old)
    choices = etree.SubElement(doc, "slist", name=PARAM_SOURCEIP)
    etree.SubElement(choices, "msg", key="").text = DEFAULT_CHOICE
    addresses = host_addresses()
    for address in addresses:
        etree.SubElement(choices, "msg", key=address).text = address
    import logging

    logging.getLogger(__name__).info(
        "tune_connection: source addresses offered: %s", ", ".join(addresses) or "none"
    )
    return doc
