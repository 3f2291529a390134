"""The progress line: drawn on a terminal, erased at the end, absent everywhere else."""

from __future__ import annotations

import io

from pmenomssl.operator.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_counts_and_is_erased() -> None:
    tty = _Terminal()
    with Progress("syncing", total=3, stream=tty) as progress:
        for item in (1, 2, 3):
            progress.advance(f"item {item}")
    text = tty.getvalue()
    assert text.startswith("\rsyncing [0/3]")
    assert "syncing [3/3] item 3" in text  # the last step is always drawn
    assert text.endswith("\r") and text.rstrip("\r ").endswith("item 3")


def test_progress_on_a_pipe_writes_nothing() -> None:
    pipe = io.StringIO()
    with Progress("syncing", total=2, stream=pipe) as progress:
        progress.advance("item 1")
        progress.advance("item 2")
    assert pipe.getvalue() == ""
