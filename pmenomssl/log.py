"""The module's log file, in BILLmanager's own line format, with secrets removed by construction.

Every module of the package logs through `logging.getLogger(__name__)`; `setup()` opens the log
file and attaches it to the package logger `pmenomssl`, which then:

- writes `Nov 22 14:03:07 [12345:1] pmenomssl INFO [open item=42 ro=7] message` lines, so that
  every line of a run can be tied to its command, item and running operation;
- appends each record with a single `write()` on an `O_APPEND` descriptor of a file created
  with mode 0600, so concurrent runs never interleave inside a line;
- redacts every registered secret value, `pw=`/`password=`/`token=` fields and PEM private keys
  before the text reaches the file or the in-memory tail used for BILLmanager's error report.

Level comes from `$ROOT/etc/debug.conf` (`<name> N` or `<name>.* N`, COREmanager levels 1-9).

Start-up (issue 16): importing `logging` costs more than the whole of `features` may take
(`logging` pulls in `traceback`, `threading`, `string`, `weakref`): `python -m bench`'s
stand-in row measured `-X importtime` 11.0 ms for `import logging` against 2.2 ms for this
module with its own imports (2026-12-04, 2-core AMD EPYC, CPython 3.11, a loaded machine;
wall time +11 ms on a bare start of about 8 ms, measured quieter). So this module imports neither
`logging` nor `re`, `pathlib` or `threading` at start: `write()` puts the start-up path's own
lines (the protocol runner's) into the file directly, and `setup()` attaches the file to
`logging` the moment anything imports `logging` (at once when it is loaded already; otherwise a
meta-path finder waits for that import). Both routes use one writer and one line format.
"""

from __future__ import annotations

import _thread  # a lock without importing threading (start-up time)
import os
import sys
import time

from pmenomssl import config
from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    import logging
    import re
    from importlib.machinery import ModuleSpec
    from pathlib import Path
    from types import ModuleType
    from typing import Any

PACKAGE_LOGGER = "pmenomssl"
# logging's own numbers, restated so that the start-up path needs no `logging` import.
DEBUG, EXTINFO, INFO, WARNING, ERROR, CRITICAL = 10, 15, 20, 30, 40, 50
LEVEL_NAMES = {
    DEBUG: "DEBUG",
    EXTINFO: "EXTINFO",
    INFO: "INFO",
    WARNING: "WARNING",
    ERROR: "ERROR",
    CRITICAL: "CRITICAL",
}

DEFAULT_CORE_LEVEL = 6
# COREmanager level (1 notices ... 9 debug) to Python level; the same ladder as ISP's library.
_CORE_TO_PYTHON = {
    9: DEBUG,
    8: DEBUG,
    7: DEBUG,
    6: EXTINFO,
    5: INFO,
    4: WARNING,
    3: ERROR,
    2: CRITICAL,
    1: CRITICAL,
}

REDACTED = "***"
_PEM_PATTERN = r"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?(-----END \1PRIVATE KEY-----|$)"
_FIELD_PATTERN = (
    r"(?i)\b(pw|passwd|password|token|dbpassword|apikey|api_key)"
    r"(\s*[=:]\s*|\"\s*:\s*\")([^\s&\"',;<]+)"
)
_XML_PATTERN = r"(?is)<(pw|passwd|password|token|dbpassword)>(.*?)</\1>"
# Every match of the two patterns above contains one of these (lower-cased ASCII text): text
# without any is left alone, so most lines never compile the patterns (or import `re`).
_SECRET_KEYWORDS = ("pw", "passw", "token", "apikey", "api_key")
_patterns: dict[str, re.Pattern[str]] = {}


def _pattern(source: str) -> re.Pattern[str]:
    compiled = _patterns.get(source)
    if compiled is None:
        import re

        compiled = _patterns[source] = re.compile(source, re.DOTALL)
    return compiled


_secrets: set[str] = set()
_secrets_lock = _thread.allocate_lock()
_write_lock = _thread.allocate_lock()
TAIL_LINES = 100
_tail: list[str] = []
_context = ""  # the main thread's; a worker thread that sets its own keeps it in _local
_local = _thread._local()


def _in_main_thread() -> bool:
    """Without importing threading: no threading module loaded means no other thread of ours."""
    threading = sys.modules.get("threading")
    return threading is None or threading.current_thread() is threading.main_thread()


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
    if _in_main_thread():
        _context = " ".join(parts)
    else:
        _local.context = " ".join(parts)


def tail() -> list[str]:
    """The last 100 (already redacted) lines of this run, for BILLmanager's error report."""
    return _tail[-TAIL_LINES:]


def core_level(name: str, debug_conf: Path | str | None = None) -> int:
    """The COREmanager level configured for `name` in debug.conf (default 6)."""
    path = debug_conf or config.debug_conf_text()
    level = DEFAULT_CORE_LEVEL
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return level
    for line in lines:
        fields = line.split()
        if len(fields) != 2 or not fields[1].isdigit():
            continue
        if fields[0] in (name, f"{name}.*"):
            level = max(1, min(9, int(fields[1])))
    return level


def log_path_text(name: str) -> str:
    """`PMENOMSSL_LOG`, else `$ROOT/var/<name>.log`, else `./logs/<name>.log`."""
    explicit = os.environ.get("PMENOMSSL_LOG")
    if explicit:
        return explicit
    var = config.var_dir_text()
    if os.path.isdir(var) and os.access(var, os.W_OK):
        return os.path.join(var, f"{name}.log")
    return os.path.join("logs", f"{name}.log")


def log_path(name: str) -> Path:
    """`log_path_text` as a Path."""
    from pathlib import Path

    return Path(log_path_text(name))


# Characters that end a line for some reader (CR for Python's universal newlines, the Unicode
# line separators for str.splitlines) or drive a terminal (ESC): escaped, so that text from
# argv, stdin or a provider can never forge a log line. Newline itself is indented below.
_LINE_BREAKERS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in [*range(0x20), 0x7F, 0x85, 0x2028, 0x2029]
    if chr(code) not in "\t\n"
}


def format_line(name: str, level_name: str, message: str, created: float) -> str:
    """One log line: stamp, [pid:thread], module name, level, [context], redacted message."""
    stamp = time.strftime("%b %d %H:%M:%S", time.localtime(created))
    tag = getattr(_local, "context", None)
    tag = _context if tag is None else tag
    context = f"[{tag}] " if tag else ""
    text = redact(f"{context}{message}").translate(_LINE_BREAKERS)
    # One record is one line: continuation lines are indented so grep by item still works.
    text = text.replace("\n", "\n    ")
    thread = 1 if _in_main_thread() else _thread.get_ident() % 10000
    return f"{stamp} [{os.getpid()}:{thread}] {name} {level_name} {text}"


class _LogFile:
    """Appends whole lines with one write() each on an O_APPEND file created 0600."""

    def __init__(self, name: str, path: str, level: int) -> None:
        self.name = name
        self.path = path
        self.level = level  # Python level: lines below it are not written
        self._fd: int | None = None

    def _descriptor(self) -> int:
        if self._fd is None:
            parent = os.path.dirname(self.path)
            if parent:
                os.makedirs(parent, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return self._fd

    def append(self, line: str) -> None:
        with _write_lock:  # bulk sync's worker threads share the file
            _tail.append(line)
            if len(_tail) > 2 * TAIL_LINES:
                del _tail[:-TAIL_LINES]
            os.write(self._descriptor(), (line + "\n").encode("utf-8", "replace"))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_file: _LogFile | None = None


def start(name: str | None = None, path: str | None = None, core: int | None = None) -> str:
    """Open the log file for writing (without touching `logging`); returns its path."""
    global _file
    name = name or config.module_name()
    level = _CORE_TO_PYTHON[core if core is not None else core_level(name)]
    if _file is not None:
        _file.close()
    _file = _LogFile(name, path or log_path_text(name), level)
    if "logging" in sys.modules:
        _attach(sys.modules["logging"])
    elif not any(isinstance(f, _AttachOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AttachOnImport())
    return _file.path


def setup(name: str | None = None, path: Path | None = None, core: int | None = None) -> Path:
    """Attach the log file to the package logger; returns the file's path. Safe to call twice."""
    from pathlib import Path

    return Path(start(name, None if path is None else str(path), core))


def enabled(level: int) -> bool:
    return _file is not None and level >= _file.level


def write(level: int, message: str) -> None:
    """One line straight into the log file, for the start-up path (no `logging` needed)."""
    if _file is None or level < _file.level:
        return
    try:
        _file.append(
            format_line(_file.name, LEVEL_NAMES.get(level, str(level)), message, time.time())
        )
    except Exception as exc:  # a broken log must never break the module
        sys.stderr.write(f"pmenomssl: could not write the log file: {exc}\n")


def current_path() -> Path | None:
    """The file the package log writes to, if `setup()` ran."""
    if _file is None:
        return None
    from pathlib import Path

    return Path(_file.path)


def timed(logger: logging.Logger, what: str, started: float, outcome: str) -> None:
    """One line per external call: what, how long, how it ended."""
    logger.info("%s %.0fms %s", what, (time.monotonic() - started) * 1000, outcome)


# --- the link to `logging`, made when `logging` is first imported ---------------------------

_attached: Any = None  # the logging.Handler subclass instance currently on the package logger


def _attach(logging_module: ModuleType) -> None:
    """Put the log file on the package logger (replacing an earlier one of ours)."""
    global _attached
    logging: Any = logging_module
    logging.addLevelName(EXTINFO, "EXTINFO")
    logger = logging.getLogger(PACKAGE_LOGGER)
    if _attached is not None and _attached in logger.handlers:
        logger.removeHandler(_attached)
    if _file is None:
        return

    class FileHandler(logging.Handler):  # type: ignore[misc]
        def emit(self, record: Any) -> None:
            log_file = _file
            if log_file is None:
                return
            try:
                message = record.getMessage()
                if record.exc_info:
                    message = f"{message}\n{logging.Formatter().formatException(record.exc_info)}"
                log_file.append(
                    format_line(log_file.name, record.levelname, message, record.created)
                )
            except Exception:  # a broken log must never break the module
                self.handleError(record)

    _attached = FileHandler()
    logger.addHandler(_attached)
    logger.setLevel(_file.level)
    logger.propagate = False


class _AttachOnImport:
    """A meta-path finder that finds nothing itself: when `logging` is about to be imported, it
    lets the other finders find it and wraps the loader, so that the log file is attached right
    after `logging` has run (a module imported later, in the middle of a command, logs to the
    file like one imported at start). It removes itself after that one import."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if fullname != "logging":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(fullname, path, target) if find_spec is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _AttachAfterExec(spec.loader)
                return spec  # type: ignore[no-any-return]
        return None


class _AttachAfterExec:
    """The real loader of `logging`, plus the attachment once the module has run."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        _attach(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_code, ... of the real loader
        return getattr(self._loader, name)
