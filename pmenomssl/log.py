"""The module's log file, in BILLmanager's own line format, with secrets removed by construction.

Every module of the package logs through `logging.getLogger(__name__)`; `setup()` attaches one
handler to the package logger `pmenomssl` that:

- writes `Nov 22 14:03:07 [12345:1] pmenomssl INFO [open item=42 ro=7] message` lines, so that
  every line of a run can be tied to its command, item and running operation;
- appends each record with a single `write()` on an `O_APPEND` descriptor of a file created
  with mode 0600, so concurrent runs never interleave inside a line;
- redacts every registered secret value, `pw=`/`password=`/`token=` fields and PEM private keys
  before the text reaches the file or the in-memory tail used for BILLmanager's error report.

Level comes from `$ROOT/etc/debug.conf` (`<name> N` or `<name>.* N`, COREmanager levels 1-9).
"""

from __future__ import annotations

import collections
import logging
import os
import re
import threading
import time
from pathlib import Path

from pmenomssl import config

PACKAGE_LOGGER = "pmenomssl"
EXTINFO = 15
logging.addLevelName(EXTINFO, "EXTINFO")

DEFAULT_CORE_LEVEL = 6
# COREmanager level (1 notices ... 9 debug) to Python level; the same ladder as ISP's library.
_CORE_TO_PYTHON = {
    9: logging.DEBUG,
    8: logging.DEBUG,
    7: logging.DEBUG,
    6: EXTINFO,
    5: logging.INFO,
    4: logging.WARNING,
    3: logging.ERROR,
    2: logging.CRITICAL,
    1: logging.CRITICAL,
}

REDACTED = "***"
_PEM_PATTERN = r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?(-----END \1PRIVATE KEY-----|$)"
_FIELD_PATTERN = (
    r"(?i)\b(pw|passwd|password|token|dbpassword|apikey|api_key)"
    r"(\s*[=:]\s*|\"\s*:\s*\")([^\s&\"',;<]+)"
)
_XML_PATTERN = r"(?is)<(pw|passwd|password|token|dbpassword)>(.*?)</\1>"
# Every match of the two patterns above contains one of these (lower-cased ASCII text): text
# without any is left alone, so most lines never compile the patterns (start-up time, issue 7).
_SECRET_KEYWORDS = ("pw", "passw", "token", "apikey", "api_key")
_patterns: dict[str, re.Pattern[str]] = {}


def _pattern(source: str) -> re.Pattern[str]:
    compiled = _patterns.get(source)
    if compiled is None:
        compiled = _patterns[source] = re.compile(source, re.DOTALL)
    return compiled


_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_tail: collections.deque[str] = collections.deque(maxlen=100)
_context = ""  # the main thread's; a worker thread that sets its own keeps it in _local
_local = threading.local()


def register_secret(value: str | None) -> None:
    """Make sure `value` never appears in the log (crypted params, passwords, keys)."""
    if value and len(value) >= 3:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Remove every known secret and every secret-looking field from `text`."""
    if "PRIVATE KEY-----" in text:
        text = _pattern(_PEM_PATTERN).sub("[private key redacted]", text)
    lower = text.lower()
    if not text.isascii() or any(word in lower for word in _SECRET_KEYWORDS):
        xml, fields = _pattern(_XML_PATTERN), _pattern(_FIELD_PATTERN)
        text = xml.sub(lambda m: f"<{m.group(1)}>{REDACTED}</{m.group(1)}>", text)
        text = fields.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def set_context(
    command: str = "",
    item: int | None = None,
    runningoperation: int | None = None,
    module: int | None = None,
) -> None:
    """Tag every following line with the command and the objects it works on (lines of this
    thread only, when called from another thread than the main one: bulk sync's workers)."""
    global _context
    parts = [command] if command else []
    if item is not None:
        parts.append(f"item={item}")
    if module is not None:
        parts.append(f"module={module}")
    if runningoperation is not None:
        parts.append(f"ro={runningoperation}")
    if threading.current_thread() is threading.main_thread():
        _context = " ".join(parts)
    else:
        _local.context = " ".join(parts)


def tail() -> list[str]:
    """The last 100 (already redacted) lines of this run, for BILLmanager's error report."""
    return list(_tail)


def core_level(name: str, debug_conf: Path | None = None) -> int:
    """The COREmanager level configured for `name` in debug.conf (default 6)."""
    path = debug_conf or config.debug_conf_path()
    level = DEFAULT_CORE_LEVEL
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return level
    for line in lines:
        fields = line.split()
        if len(fields) != 2 or not fields[1].isdigit():
            continue
        if fields[0] in (name, f"{name}.*"):
            level = max(1, min(9, int(fields[1])))
    return level


def log_path(name: str) -> Path:
    """`PMENOMSSL_LOG`, else `$ROOT/var/<name>.log`, else `./logs/<name>.log`."""
    explicit = os.environ.get("PMENOMSSL_LOG")
    if explicit:
        return Path(explicit)
    var = config.var_dir()
    if var.is_dir() and os.access(var, os.W_OK):
        return var / f"{name}.log"
    return Path("logs") / f"{name}.log"


# Characters that end a line for some reader (CR for Python's universal newlines, the Unicode
# line separators for str.splitlines) or drive a terminal (ESC): escaped, so that text from
# argv, stdin or a provider can never forge a log line. Newline itself is indented below.
_LINE_BREAKERS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in [*range(0x20), 0x7F, 0x85, 0x2028, 0x2029]
    if chr(code) not in "\t\n"
}


class _LineFormatter(logging.Formatter):
    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%b %d %H:%M:%S", time.localtime(record.created))
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self.formatException(record.exc_info)}"
        tag = getattr(_local, "context", None)
        tag = _context if tag is None else tag
        context = f"[{tag}] " if tag else ""
        text = redact(f"{context}{message}").translate(_LINE_BREAKERS)
        # One record is one line: continuation lines are indented so grep by item still works.
        text = text.replace("\n", "\n    ")
        thread = (
            threading.get_ident() % 10000
            if threading.current_thread() is not threading.main_thread()
            else 1
        )
        return f"{stamp} [{os.getpid()}:{thread}] {self._name} {record.levelname} {text}"


class _AppendHandler(logging.Handler):
    """Appends whole lines with one write() each on an O_APPEND file created 0600."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._fd: int | None = None

    def _descriptor(self) -> int:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return self._fd

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            _tail.append(line)
            os.write(self._descriptor(), (line + "\n").encode("utf-8", "replace"))
        except Exception:  # a broken log must never break the module
            self.handleError(record)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        super().close()


def setup(name: str | None = None, path: Path | None = None, core: int | None = None) -> Path:
    """Attach the log file to the package logger; returns the file's path. Safe to call twice."""
    name = name or config.module_name()
    target = path or log_path(name)
    logger = logging.getLogger(PACKAGE_LOGGER)
    for old in list(logger.handlers):
        if isinstance(old, _AppendHandler):
            logger.removeHandler(old)
            old.close()
    handler = _AppendHandler(target)
    handler.setFormatter(_LineFormatter(name))
    logger.addHandler(handler)
    level = core if core is not None else core_level(name)
    logger.setLevel(_CORE_TO_PYTHON[level])
    logger.propagate = False
    return target


def current_path() -> Path | None:
    """The file the package logger writes to, if `setup()` ran."""
    for handler in logging.getLogger(PACKAGE_LOGGER).handlers:
        if isinstance(handler, _AppendHandler):
            return handler.path
    return None


def timed(logger: logging.Logger, what: str, started: float, outcome: str) -> None:
    """One line per external call: what, how long, how it ended."""
    logger.info("%s %.0fms %s", what, (time.monotonic() - started) * 1000, outcome)
