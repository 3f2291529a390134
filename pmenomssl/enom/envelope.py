"""ENOM's `<interface-response>`: hardened parsing, case-insensitive lookup, value parsing.

Everything here is pure (bytes in, values or Enom*Error out), so it is tested without HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from pmenomssl.enom.errors import EnomMalformedResponseError, api_error
from pmenomssl.log import redact
from pmenomssl.transport.safexml import PARSER

ROOT = "interface-response"

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"


def _malformed(detail: str, command: str, tracking_key: str = "") -> EnomMalformedResponseError:
    return EnomMalformedResponseError(detail, command=command, tracking_key=tracking_key)


def excerpt(content: bytes) -> str:
    """A short, tag-free, single-line, redacted excerpt of a non-XML answer for the error text."""
    text = content[:2000].decode("utf-8", "replace")
    text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]*>", " ", text)
    return redact(" ".join(text.split()))[:120]


def parse_xml(content: bytes, command: str = "") -> etree._Element:
    """The root element of ENOM's answer, or EnomMalformedResponseError.

    ENOM's answers declare utf-8, some none; a wrong declaration (e.g. `encoding="utf-16"` on a
    utf-8 body, UNCONFIRMED for ENOM) is tolerated by parsing again without the declaration.
    """
    if not content.strip():
        raise _malformed("the answer was empty", command)
    try:
        root = etree.fromstring(content, PARSER)
    except etree.XMLSyntaxError as first:
        stripped = _DECLARATION.sub(b"", content.lstrip(_BOM), count=1)
        if stripped == content:
            raise _malformed(_syntax_detail(content, first), command) from None
        try:
            root = etree.fromstring(stripped, PARSER)
        except etree.XMLSyntaxError:
            raise _malformed(_syntax_detail(content, first), command) from None
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding name
        raise _malformed(f"the answer could not be decoded ({exc})", command) from None
    if root is None:
        raise _malformed("the answer held no XML element", command)
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise _malformed("the answer carried a DOCTYPE, which ENOM never sends", command)
    if local_name(root) != ROOT:
        raise _malformed(
            f"the root element was <{local_name(root)}>, not <{ROOT}>"
            + (f" ({excerpt(content)})" if local_name(root) == "html" else ""),
            command,
        )
    return root


def _syntax_detail(content: bytes, error: etree.XMLSyntaxError) -> str:
    head = content.lstrip()[:200].lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return f"an HTML page instead of XML ({excerpt(content)})"
    if head.startswith(b"<"):
        return f"the XML was cut off or broken ({error.msg})"
    return f"not XML ({excerpt(content)!r})"


# --- case-insensitive lookup --------------------------------------------------------------


def local_name(element: etree._Element) -> str:
    """The element's name in lower case, without namespace ('' for comments/PIs)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def children(element: etree._Element | None, name: str) -> Iterator[etree._Element]:
    """Direct children called `name`, any letter case."""
    if element is None:
        return
    wanted = name.lower()
    for child in element:
        if local_name(child) == wanted:
            yield child


def child(element: etree._Element | None, *path: str) -> etree._Element | None:
    """The first element along `path` (names of direct children), any letter case."""
    current = element
    for name in path:
        current = next(children(current, name), None)
        if current is None:
            return None
    return current


def descendant(element: etree._Element | None, name: str) -> etree._Element | None:
    """The first element called `name` anywhere below `element`, any letter case."""
    if element is None:
        return None
    wanted = name.lower()
    for node in element.iterdescendants():
        if local_name(node) == wanted:
            return node
    return None


def text_of(element: etree._Element | None) -> str:
    """Stripped text content (CDATA included); '' for missing, `<X/>` and `<X></X>`."""
    if element is None:
        return ""
    return "".join(t for t in element.itertext() if isinstance(t, str)).strip()


def text(element: etree._Element | None, *path: str) -> str:
    return text_of(child(element, *path))


# --- values ---------------------------------------------------------------------------------

_MONEY = re.compile(r"^(?:(?P<sign>-)\$?|\$(?P<sign2>-)?)?(?P<amount>\d+(?:\.\d+)?)$")
_INT = re.compile(r"^-?\d+$")
_DATE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_TRUE = frozenset({"true", "1", "yes", "y", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "off", ""})


def money(value: str, what: str = "", command: str = "") -> Decimal | None:
    """`3,709.20`, `$9.95`, `-1,832.23`, `-$5.00` -> Decimal (USD); '' -> None."""
    cleaned = value.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    match = _MONEY.match(cleaned)
    if not match:
        raise _malformed(f"{what or 'amount'} {value!r} is not an amount", command)
    amount = Decimal(match.group("amount"))
    return -amount if match.group("sign") or match.group("sign2") else amount


def integer(value: str, what: str = "", command: str = "") -> int | None:
    cleaned = value.strip()
    if not cleaned:
        return None
    if not _INT.match(cleaned):
        raise _malformed(f"{what or 'number'} {value!r} is not a number", command)
    return int(cleaned)


def boolean(value: str, what: str = "", command: str = "") -> bool:
    """`True`/`False`/`true`/`1`/`0`; empty is False."""
    cleaned = value.strip().lower()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise _malformed(f"{what or 'flag'} {value!r} is not true/false", command)


def date(value: str, what: str = "", command: str = "") -> datetime | None:
    """`M/D/YYYY` or `M/D/YYYY h:mm[:ss] AM` (ENOM's US format, no time zone) -> datetime."""
    cleaned = " ".join(value.split())
    if not cleaned:
        return None
    match = _DATE.match(cleaned)
    if not match:
        raise _malformed(f"{what or 'date'} {value!r} is not M/D/YYYY", command)
    month, day, year, hour, minute, second, ampm = match.groups()
    h = int(hour) if hour else 0
    if ampm:
        if not 1 <= h <= 12:
            raise _malformed(f"{what or 'date'} {value!r} has an invalid hour", command)
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    try:
        return datetime(int(year), int(month), int(day), h, int(minute or 0), int(second or 0))
    except ValueError:
        raise _malformed(f"{what or 'date'} {value!r} is not a valid date", command) from None


def numeric_id(value: str, what: str, command: str) -> str:
    """A required ENOM id (CertID, OrderID): digits only."""
    cleaned = value.strip()
    if not cleaned.isdigit() or not cleaned.isascii():
        raise _malformed(f"{what} {value!r} is missing or not numeric", command)
    return cleaned


def pem(value: str) -> str:
    """PEM text with every line stripped and blank lines dropped; ends with a newline or is ''."""
    lines = [line.strip() for line in value.splitlines() if line.strip()]
    return "\n".join(lines) + "\n" if lines else ""


# --- the envelope ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    """A successful answer: the root, the command's own element (or the root) and the key."""

    root: etree._Element
    body: etree._Element
    tracking_key: str


def command_element(root: etree._Element, command: str) -> etree._Element:
    """`<CertGetCerts>` etc. (any letter case: `<CertGetApproverEMail>`), else the root itself."""
    found = child(root, command)
    return found if found is not None else root


def errors_of(root: etree._Element) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Every `<errors>` text plus every ResponseString, and every ResponseNumber."""
    messages: list[str] = []
    for errors in children(root, "errors"):
        messages.extend(t for t in (text_of(e) for e in errors) if t)
    numbers: list[str] = []
    for responses in children(root, "responses"):
        for response in children(responses, "response"):
            number = text(response, "ResponseNumber")
            if number:
                numbers.append(number)
            said = text(response, "ResponseString")
            if said and said not in messages:
                messages.append(said)
    return tuple(messages), tuple(numbers)


def check(content: bytes, command: str) -> Envelope:
    """Parse ENOM's answer and raise the right EnomError unless the command succeeded.

    Success is ErrCount == 0, Done == true and, where the command has one, its own
    `<Success>` true. Reported errors win over a missing `<Done>`: they are ENOM's own words.
    """
    root = parse_xml(content, command)
    tracking_key = text(root, "TrackingKey")
    err_count_text = text(root, "ErrCount")
    messages, numbers = errors_of(root)
    if not err_count_text:
        if messages or numbers:
            raise api_error(
                command=command,
                messages=messages,
                response_numbers=numbers,
                tracking_key=tracking_key,
            )
        raise _malformed("the answer had no <ErrCount>", command, tracking_key)
    err_count = integer(err_count_text, "ErrCount", command)
    if err_count:
        raise api_error(
            command=command,
            messages=messages or ("(no error text)",),
            response_numbers=numbers,
            tracking_key=tracking_key,
        )
    if text(root, "Done").lower() != "true":
        raise _malformed(
            "the answer had no <Done>true</Done>: it was cut off", command, tracking_key
        )
    body = command_element(root, command)
    success = child(body, "Success")
    if success is None and body is not root:
        success = child(root, "Success")
    if success is not None and not boolean(text_of(success), "Success", command):
        said = [t for t in (text(body, "Result"), text(body, "Message"), text(root, "Result")) if t]
        raise api_error(
            command=command,
            messages=said or ("ENOM answered Success=False without a reason",),
            response_numbers=numbers,
            tracking_key=tracking_key,
        )
    return Envelope(root=root, body=body, tracking_key=tracking_key)
