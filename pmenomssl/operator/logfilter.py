"""One service's history out of the module's log file.

A record starts with `Mon DD HH:MM:SS [pid:thread] name LEVEL [command item=I …] message`;
its continuation lines (a traceback, a multi-line message) start with four spaces
(pmenomssl.log). A record belongs to item I when its context bracket has the token `item=I`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_RECORD = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \[\d+:\d+\] \S+ \S+ (\[[^\]]*\])?")
CONTINUATION = "    "


def item_lines(lines: Iterable[str], item_id: int) -> Iterator[str]:
    """The lines of `lines` (without line ends) that belong to `item_id`'s records."""
    wanted = f"item={item_id}"
    inside = False
    for line in lines:
        match = _RECORD.match(line)
        if match is not None:
            context = (match.group(1) or "")[1:-1]
            inside = wanted in context.split()
        elif not line.startswith(CONTINUATION):
            inside = False  # not our format: a foreign line ends a record
        if inside:
            yield line
