"""One `mgrctl` call: the command line (secrets outside argv), the child process under a
timeout, and the reply read as XML or as a `MgrctlError` (billmanager-protocol.md section 3.1).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config, log
from pmenomssl.billing import choices
from pmenomssl.billing.db import as_str
from pmenomssl.billing.errors import MgrctlError
from pmenomssl.billing.redaction import describe_params, secret_params

if TYPE_CHECKING:
    from lxml import etree

logger = logging.getLogger(__name__)

# However close the command's deadline, a mgrctl call gets this long (reporting an error to
# BILLmanager after the deadline needs a call or two).
MGRCTL_MIN_TIMEOUT = 2.0


def mgrctl_path(root: Path) -> Path:
    return root / "sbin" / "mgrctl"


def call_mgrctl(
    root: Path,
    func: str,
    params: Mapping[str, object],
    *,
    timeout: float,
    deadline: float | None,
) -> etree._Element:
    """Run `$ROOT/sbin/mgrctl -m billmgr -o xml FUNC key=value …` and parse its reply.

    Raises MgrctlError for an <error> in the reply (carrying its type/object/message), a
    non-zero exit, a reply that is not XML, or a timeout (`timeout`, shortened to what is left
    before `deadline` but never below MGRCTL_MIN_TIMEOUT).
    """
    texts = {k: as_str(v) for k, v in params.items()}
    argv, env = _command_line(root, func, texts)
    what = f"mgrctl {func} {describe_params(texts)}".rstrip()
    started = time.monotonic()
    call_timeout = timeout
    if deadline is not None:
        call_timeout = min(timeout, max(MGRCTL_MIN_TIMEOUT, deadline - time.monotonic()))
    call = _Call(root, func, what, started)
    stdout, stderr, returncode = call.run(
        argv, env, call_timeout, deadline_cut=call_timeout != timeout
    )
    doc = call.reply(stdout, stderr, returncode)
    log.timed(logger, what, started, "ok")
    return doc


def _command_line(
    root: Path, func: str, params: Mapping[str, str]
) -> tuple[list[str], dict[str, str]]:
    """argv and environment of the call; secret values are registered for redaction and, per
    `choices.SECRETS_VIA_ENV`, passed in the environment instead of argv."""
    secret = secret_params(params)
    for key in secret:
        log.register_secret(params[key])
    argv = [str(mgrctl_path(root)), "-m", "billmgr", "-o", "xml", func]
    env = dict(os.environ)
    env["SSH_CONNECTION"] = config.module_name()  # shown by BILLmanager instead of an IP
    via_env: list[str] = []
    for index, (key, value) in enumerate(params.items()):
        if choices.SECRETS_VIA_ENV and key in secret:
            name = f"PMENOMSSL_MGRCTL_{index}"
            env[name] = value
            via_env += ["-e", f"{key}=${name}"]
        else:
            argv.append(f"{key}={value}")
    return argv + via_env, env


@dataclass(frozen=True)
class _Call:
    """One call in flight: what its log line names, and when it started."""

    root: Path
    func: str
    what: str
    started: float

    def _failed(self, outcome: str) -> None:
        log.timed(logger, self.what, self.started, outcome)

    def run(
        self, argv: list[str], env: dict[str, str], timeout: float, *, deadline_cut: bool
    ) -> tuple[bytes, bytes, int]:
        """The child's stdout, stderr and exit code."""
        try:
            proc = subprocess.Popen(
                argv,
                cwd=str(self.root),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # so a timeout can end mgrctl and anything it started
            )
        except OSError as exc:
            self._failed(f"cannot run: {exc.strerror or exc}")
            raise MgrctlError(
                f"Cannot run {mgrctl_path(self.root)} for {self.func}: {exc.strerror or exc}. "
                "Check PMENOMSSL_MGR_ROOT (BILLmanager's root, default /usr/local/mgr5).",
                func=self.func,
            ) from None
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.communicate()
            self._failed(f"timeout after {timeout:.3g}s")
            raise MgrctlError(
                f"mgrctl {self.func} did not answer within {timeout:.3g} s"
                + (" (this operation's deadline)" if deadline_cut else "")
                + ". Check that BILLmanager's core process runs and is not overloaded; the "
                "operation is retried.",
                error_type="mgrctl_timeout",
                func=self.func,
            ) from None
        return stdout, stderr, proc.returncode

    def reply(self, stdout: bytes, stderr: bytes, returncode: int) -> etree._Element:
        """The reply document, or the MgrctlError it amounts to: an <error> first (its type,
        object and message), then a non-zero exit, then output that is not XML."""
        from lxml import etree

        func = self.func
        text = stdout.strip()
        doc: etree._Element | None = None
        if text:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            try:
                doc = etree.fromstring(text, parser)
            except etree.XMLSyntaxError:
                doc = None
        error = None
        if doc is not None:
            error = doc if doc.tag == "error" else doc.find("error")
        if error is not None:
            mgr_type = error.get("type", "")
            mgr_object = error.get("object", "")
            mgr_message = (
                error.findtext("msg")
                or error.findtext("param[@name='value']")
                or (error.text or "")
            ).strip()
            self._failed(f"error type={mgr_type} object={mgr_object}")
            raise MgrctlError(
                f"BILLmanager refused {func}: {mgr_message or mgr_type} (error type "
                f"{mgr_type!r}, object {mgr_object!r}). See BILLmanager's billmgr.log for "
                "details.",
                func=func,
                value=mgr_object,
                mgr_type=mgr_type,
                mgr_object=mgr_object,
                mgr_message=log.redact(mgr_message),
            )
        if returncode != 0:
            detail = log.redact((stderr or stdout).decode("utf-8", "replace").strip())[-500:]
            self._failed(f"exit {returncode}")
            raise MgrctlError(
                f"mgrctl {func} exited with code {returncode}: {detail or 'no output'}. "
                "Check that BILLmanager runs (`mgrctl -m billmgr -R` restarts it).",
                func=func,
                value=str(returncode),
            )
        if doc is None:
            sample = log.redact(stdout[:200].decode("utf-8", "replace"))
            self._failed("garbage reply")
            raise MgrctlError(
                f"mgrctl {func} answered something that is not XML: {sample!r}. "
                f"Check {mgrctl_path(self.root)} and BILLmanager's billmgr.log.",
                func=func,
            )
        return doc
