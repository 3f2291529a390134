"""PEM text as clients paste it and as ENOM returns it: CRLF, indentation, CDATA leftovers."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+?)-----(.*?)-----END ([A-Z0-9 ]+?)-----", re.DOTALL)
_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]+?)-----")
# Whitespace, and the two-character sequences `\n` / `\r` left by copying from JSON or logs.
_NOISE = re.compile(r"\s+|\\[nr]")


@dataclass(frozen=True)
class PemBlock:
    label: str  # "CERTIFICATE REQUEST", "CERTIFICATE", "PRIVATE KEY", ...
    body: str  # the base64 text with all whitespace removed


def find_blocks(text: str) -> list[PemBlock]:
    """Every complete BEGIN/END block in `text`, in order."""
    return [PemBlock(m.group(1).strip(), _NOISE.sub("", m.group(2))) for m in _BLOCK.finditer(text)]


def begin_labels(text: str) -> list[str]:
    """The label of every BEGIN line, complete block or not."""
    return [m.group(1).strip() for m in _BEGIN.finditer(text)]


def decode(body: str) -> bytes | None:
    """The DER bytes of a block body, or None when it is not valid base64."""
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def is_private_key_label(label: str) -> bool:
    return label.endswith("PRIVATE KEY")
