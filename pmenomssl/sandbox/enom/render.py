"""ENOM's `<interface-response>` XML, in the shapes the reference (enom-api.md) documents.

Bodies are built as text (ENOM's answers are flat and small; CDATA and exact element case matter
more than a DOM). `envelope()` adds the common trailer and can produce the malformed variants the
fault injection needs (wrong root, `Done` missing, a huge padded body). Each command's body is
in `answers.py`.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

ROOT = "interface-response"
SERVER_NAME = "SANDBOX"


def el(name: str, value: object = "", *, cdata: bool = False, attrs: str = "") -> str:
    """One element; `<Name></Name>` when empty (ENOM mixes this with `<Name/>`)."""
    text = "" if value is None else str(value)
    body = _cdata(text) if cdata else escape(text)
    return f"<{name}{attrs}>{body}</{name}>"


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def group(name: str, parts: Iterable[str], attrs: str = "") -> str:
    inner = "\n".join(parts)
    return f"<{name}{attrs}>\n{inner}\n</{name}>"


def us_date(when: datetime.datetime | None, with_time: bool = True) -> str:
    """ENOM's `M/D/YYYY h:mm:ss AM` (or `M/D/YYYY`); '' for None."""
    if when is None:
        return ""
    day = f"{when.month}/{when.day}/{when.year}"
    if not with_time:
        return day
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{day} {hour}:{when.minute:02d}:{when.second:02d} {half}"


def amount(value: Decimal) -> str:
    """Balances: `3,709.20`, `-1,832.23`."""
    return f"{value:,.2f}"


def price(value: Decimal) -> str:
    """Prices: `$9.95`."""
    return f"${value:,.2f}"


def flag(value: bool) -> str:
    return "True" if value else "False"


def envelope(
    command: str,
    body: str = "",
    errors: Sequence[str] = (),
    responses: Sequence[tuple[str, str]] = (),
    *,
    root: str = ROOT,
    done: bool = True,
    pad: int = 0,
    now: datetime.datetime | None = None,
    time_difference: str = "+0.00",
    lower_case: bool = False,
) -> bytes:
    """The whole answer. `root`/`done`/`pad` exist for the wrong_root/done_missing/huge faults.

    `now` is ENOM's own clock (clock.py), shown as RequestDateTime, with `time_difference`.
    `lower_case` writes every tag in lower case, as documented answers do (an older recorded
    CertGetCerts: `<certid>`, `<errcount>`, `<done>`; PE_GetProductPrice; Clientexec reads
    PurchaseServices' `certid`/`orderid` in lower case: enom-api.md, settled-facts.md).
    """
    when = now or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    parts = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>"]
    if body:
        parts.append(body)
    parts += [
        el("Command", command.upper()),
        el("APIType", "API.NET"),
        el("Language", "eng"),
        el("ErrCount", len(errors)),
    ]
    if errors:
        parts.append(group("errors", (el(f"Err{i}", e) for i, e in enumerate(errors, 1))))
    parts.append(el("ResponseCount", len(responses)))
    if responses:
        parts.append(
            group(
                "responses",
                (
                    group("response", [el("ResponseNumber", n), el("ResponseString", s)])
                    for n, s in responses
                ),
            )
        )
    parts += [
        el("MinPeriod", 1),
        el("MaxPeriod", 10),
        el("Server", SERVER_NAME),
        el("Site", "eNom"),
        "<IsLockable/>",
        "<IsRealTimeTLD/>",
        el("TimeDifference", time_difference),
        el("ExecTime", "0.010"),
    ]
    if done:
        parts.append(el("Done", "true"))
    parts += [
        el("TrackingKey", uuid.uuid4()),
        el("RequestDateTime", us_date(when)),
    ]
    if pad:
        parts.append(f"<debug><![CDATA[{'x' * pad}]]></debug>")
    else:
        parts.append("<debug/>")
    parts.append(f"</{root}>")
    text = "\n".join(parts) + "\n"
    return (lower_case_tags(text) if lower_case else text).encode("utf-8")


_CDATA_SPLIT = re.compile(r"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w.-]*)")


def lower_case_tags(text: str) -> str:
    """Every element name in lower case; CDATA sections untouched."""
    pieces = _CDATA_SPLIT.split(text)
    return "".join(
        piece if piece.startswith("<![CDATA[") else _TAG.sub(_lower_tag, piece) for piece in pieces
    )


def _lower_tag(match: re.Match[str]) -> str:
    return f"<{match.group(1)}{match.group(2).lower()}"
