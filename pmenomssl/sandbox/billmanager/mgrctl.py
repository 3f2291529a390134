"""The stand-in's `mgrctl`: `mgrctl -m billmgr -o xml FUNC key=value … [-e key=$ENV]`.

What each function does: `functions.py`. `-R` is journaled only.

Unknown function: `<doc><error type="missing" object="func">` and exit 1. Every call appends
one JSON line to `$ROOT/var/mgrctl.journal`. Faults (`$ROOT/etc/standin.faults.json` or env
`PMENOMSSL_STANDIN_FAULTS`, `{func|"*": kind | {"kind":…, "times":N, "type":…, "seconds":…}}`):
`exit` (exit 2, no XML), `error` (an <error> reply, exit 1), `garbage` (not XML, exit 0),
`hang` (sleeps), `slow` (sleeps `seconds`, then answers normally).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from pmenomssl.sandbox.billmanager.core import emit
from pmenomssl.sandbox.billmanager.files import FAULTS, JOURNAL, locked
from pmenomssl.sandbox.billmanager.functions import FUNCTIONS, Context, late_function
from pmenomssl.sandbox.billmanager.replies import MgrError, error_xml

FAULTS_ENV = "PMENOMSSL_STANDIN_FAULTS"
HANG_SECONDS = 600.0

_SECRET_KEY = re.compile(r"(?i)(^pw$|passw|token|secret|crypted|apikey|api_key|pkey|^key$)")
_PEM_PRIVATE = "PRIVATE KEY-----"


class Caller(NamedTuple):
    """Who made the call (for the journal) and how its faults wait: the mgrctl process itself,
    or one the stand-in's core answers for (core.py)."""

    pid: int
    cwd: str
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def this_process(cls) -> Caller:
        return cls(pid=os.getpid(), cwd=os.getcwd())


def redacted(params: dict[str, str]) -> dict[str, str]:
    """Params for the journal: password-like keys, the value of a crypted (or password-like)
    saveparam and PEM private keys become ***. Everything else is kept whole."""
    secret = {k for k, v in params.items() if _SECRET_KEY.search(k) and v not in ("on", "off")}
    if "value" in params and (
        params.get("crypted") == "on" or _SECRET_KEY.search(params.get("name", ""))
    ):
        secret.add("value")
    secret.update(k for k, v in params.items() if _PEM_PRIVATE in v)
    return {k: ("***" if k in secret else v) for k, v in params.items()}


def parse_argv(argv: list[str], environ: dict[str, str]) -> tuple[str, dict[str, str], list[str]]:
    """-> (func, params, names of params that came through `-e`). func is "-R" for a restart."""
    func = ""
    params: dict[str, str] = {}
    via_env: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg in ("-m", "-o", "--manager", "--output"):
            next(args, None)
        elif arg == "-R":
            func = "-R"
        elif arg == "-e":
            spec = next(args, "")
            key, _, ref = spec.partition("=")
            params[key] = environ.get(ref[1:], "") if ref.startswith("$") else ref
            via_env.append(key)
        elif not func:
            func = arg
        else:
            key, _, value = arg.partition("=")
            params[key] = value
    return func, params, via_env


def take_fault(root: Path, func: str, environ: dict[str, str]) -> dict[str, Any] | None:
    """The fault to inject for this call, consuming one of its `times`."""
    text = environ.get(FAULTS_ENV)
    if text:
        faults = json.loads(text)
        spec = faults.get(func, faults.get("*"))
        return _spec(spec) if spec is not None else None
    path = root / FAULTS
    if not path.exists():
        return None
    with locked(path):
        try:
            faults = json.loads(path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return None
        key = func if func in faults else ("*" if "*" in faults else None)
        if key is None:
            return None
        fault = _spec(faults[key])
        times = fault.get("times")
        if isinstance(times, int):
            if times <= 1:
                del faults[key]
            else:
                faults[key] = {**fault, "times": times - 1}
            path.write_text(json.dumps(faults), encoding="utf-8")
        return fault


def _spec(spec: object) -> dict[str, Any]:
    if isinstance(spec, str):
        return {"kind": spec}
    if isinstance(spec, dict):
        return dict(spec)
    raise ValueError(f"bad fault spec {spec!r}")


def _journal(root: Path, record: dict[str, Any]) -> None:
    path = root / JOURNAL
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def run(
    argv: list[str], root: Path, environ: dict[str, str], caller: Caller | None = None
) -> tuple[int, str, str]:
    """-> (exit code, stdout, stderr) for one mgrctl invocation (by this process by default)."""
    caller = caller or Caller.this_process()
    func, params, via_env = parse_argv(argv, environ)
    record: dict[str, Any] = {
        "time": datetime.now().isoformat(timespec="milliseconds"),
        "pid": caller.pid,
        "func": func,
        "argv": list(argv),
        "params": redacted(params),
        "env_params": via_env,
        "ssh_connection": environ.get("SSH_CONNECTION", ""),
        "cwd": caller.cwd,
    }
    if not func:
        record["exit"] = 1
        _journal(root, record)
        return 1, "", "Usage: mgrctl [-m manager] [-o xml] [-R | func [param=value ...]]\n"
    fault = take_fault(root, func, environ)
    if fault:
        record["fault"] = fault["kind"]
        kind = fault["kind"]
        if kind == "hang":
            record["exit"] = None
            _journal(root, record)
            caller.sleep(float(fault.get("seconds", HANG_SECONDS)))
            return 1, "", "hang ended\n"
        if kind == "slow":
            caller.sleep(float(fault.get("seconds", 1.0)))
        elif kind == "exit":
            record["exit"] = int(fault.get("code", 2))
            _journal(root, record)
            return record["exit"], "", "mgrctl: cannot connect to billmgr (stand-in fault)\n"
        elif kind == "garbage":
            record["exit"] = 0
            _journal(root, record)
            return 0, "Internal Server Error <html><<<\n", ""
        elif kind == "error":
            record["exit"] = 1
            _journal(root, record)
            err = error_xml(
                str(fault.get("type", "standin_fault")),
                str(fault.get("object", func)),
                str(fault.get("message", f"injected failure of {func}")),
            )
            return 1, err, ""
    if func == "-R":
        record["exit"] = 0
        _journal(root, record)
        return 0, "", ""
    handler = FUNCTIONS.get(func) or late_function(func)
    ctx: Context | None = None
    try:
        if handler is None:
            raise MgrError("missing", "func", f"Function {func!r} not found")
        ctx = Context(root)
        body = handler(ctx, params)
        code, out, err = 0, body, ""
    except MgrError as exc:
        code, out, err = 1, error_xml(exc.err_type, exc.obj, exc.message, func), ""
    except Exception as exc:  # the stand-in's own bug: visible, like a core error
        import traceback

        code = 1
        out = error_xml("standin_internal", func, f"{type(exc).__name__}: {exc}")
        err = traceback.format_exc()
    finally:
        if ctx is not None:
            ctx.store.close()
    record["exit"] = code
    _journal(root, record)
    return code, out, err


def main(argv: list[str] | None = None, *, root: str | Path | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "crypted=on" not in args and "cryptography" not in sys.modules:
        # Speed only: PyMySQL imports cryptography (~60 ms) for auth methods the stand-in's
        # server does not use; only a crypted save needs it here. One call per process.
        sys.modules["cryptography"] = None  # type: ignore[assignment]
    base = Path(root) if root is not None else Path(__file__).resolve().parent
    return emit(*run(args, base, dict(os.environ)))
