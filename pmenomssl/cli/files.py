"""Reading files a person names on the command line, never without a bound.

`--file /dev/zero` once made `pmenomssl logs` grow to 15 GB: one endless line. Every read of a
named file goes through here: small files (a CSR, a password) are read up to a limit and
refused beyond it; a log is read line by line, each line cut at `MAX_LINE_CHARS`, and only as
far as a regular file reached when it was opened (a pipe: at most `MAX_STREAM_BYTES`). Devices
and directories are refused.
"""

from __future__ import annotations

import os
import stat

from pmenomssl.records import TYPE_CHECKING  # typing is not imported: start-up time

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO, TextIO

# A log line longer than this is cut (the module writes lines of a few hundred characters).
MAX_LINE_CHARS = 64 * 1024
# How much of a pipe (`--file <(zcat old.log.gz)`) is read at most.
MAX_STREAM_BYTES = 4 * 1024**3
# Small inputs: a CSR is a few kB, a password a few bytes.
MAX_CSR_BYTES = 64 * 1024
MAX_PASSWORD_BYTES = 4 * 1024


class FileRefused(Exception):
    """The named file cannot be read within the bounds; `str()` says why, for a person."""


def check_kind(path: str, fd: int) -> int:
    """The bytes a read may take from the open `fd`: its size for a regular file, the stream
    bound for a pipe; FileRefused for anything else (a device such as /dev/zero)."""
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode):
        return info.st_size
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
        return MAX_STREAM_BYTES
    kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device or special file"
    raise FileRefused(f"{path} is {kind}, not a file: give the path of a regular file")


def read_small(handle: BinaryIO, path: str, limit: int, what: str) -> bytes:
    """At most `limit` bytes of an open file; FileRefused when it holds more."""
    if path != "-":
        check_kind(path, handle.fileno())
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileRefused(
            f"{path} holds more than {limit // 1024} KiB, far more than {what}: "
            "check that it is the right file"
        )
    return data


def bounded_lines(handle: TextIO, max_chars: int) -> Iterator[str]:
    """The lines of `handle` without their line ends, each cut at MAX_LINE_CHARS, until about
    `max_chars` characters have been read."""
    read = 0
    while read < max_chars:
        line = handle.readline(MAX_LINE_CHARS)
        if not line:
            return
        read += len(line)
        if not line.endswith("\n"):
            # Cut: skip the rest of this line, still within the overall bound.
            while read < max_chars:
                rest = handle.readline(MAX_LINE_CHARS)
                read += len(rest)
                if not rest or rest.endswith("\n"):
                    break
        yield line.rstrip("\n")
