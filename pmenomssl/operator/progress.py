"""Progress for long work on a terminal: on stderr, only when stderr is a TTY.

    with Progress("syncing", total=len(items)) as progress:
        for item in items:
            progress.advance(f"item {item}")

On a pipe or a file nothing is written at all, so scripts and logs see only the real output.
The line is redrawn in place (`\\r`) and erased when the work ends.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Redraw at most this often: a fast loop over thousands of items must not flood the terminal.
MIN_INTERVAL_SECONDS = 0.1


def interactive(stream: TextIO | None = None) -> bool:
    """Whether `stream` (default stderr) is a terminal a person watches."""
    target = stream if stream is not None else sys.stderr
    try:
        return target.isatty()
    except (AttributeError, ValueError):  # closed or not a real file
        return False


class Progress:
    """A one-line progress display: `label [done/total] detail`, or `label… detail`."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = interactive(self._stream) if enabled is None else enabled
        self._last_draw = 0.0
        self._width = 0

    def __enter__(self) -> Progress:
        self.show()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.clear()

    def show(self, detail: str = "") -> None:
        """Draw the current state now."""
        self._draw(detail, force=True)

    def advance(self, detail: str = "", step: int = 1) -> None:
        """One more unit done; redraws unless the last redraw was very recent."""
        self.done += step
        self._draw(detail, force=self.total is not None and self.done >= self.total)

    def clear(self) -> None:
        """Erase the line (call before printing anything else to the terminal)."""
        if self.enabled and self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def _draw(self, detail: str, *, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < MIN_INTERVAL_SECONDS:
            return
        self._last_draw = now
        if self.total is not None:
            text = f"{self.label} [{self.done}/{self.total}]"
        else:
            text = f"{self.label}…"
        if detail:
            text = f"{text} {detail}"
        text = text[:119]
        padding = max(0, self._width - len(text))
        self._write("\r" + text + " " * padding)
        self._width = len(text)

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is not worth a crash
            self.enabled = False
