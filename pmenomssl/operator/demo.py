"""The frame of every handler's demo (`pmenomssl demo`, `pmbillreseller demo`): a whole
lifecycle on embedded defaults, with no network.

In a temporary directory: the BILLmanager stand-in with an SQLite database, the handler's
upstream sandbox on 127.0.0.1 in this process, and the REAL module started as a subprocess for
every command, exactly as BILLmanager starts it (`<executable> --command NAME …`, cwd `$ROOT`).

This module has what every demo shares: the narration (numbered steps, wrapped details), the
module runs, the two steps every module has (the connection check and getbalance), the run
itself and its failure report. Each handler's own demo (`<handler package>.operator.demo`) sets
up its sandbox and module and tells its lifecycle.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TextIO, TypeVar

from lxml import etree

from pmenomssl.sandbox.http import LoopbackSandbox

if TYPE_CHECKING:
    from pmenomssl.sandbox.billmanager.standin import StandIn

MODULE_TIMEOUT_SECONDS = 60.0
WIDTH = 96  # output columns

_Sandbox = TypeVar("_Sandbox", bound=LoopbackSandbox)


class DemoFailed(Exception):
    """A step did not do what it should; `detail` says what happened instead."""

    def __init__(self, what: str, detail: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.detail = detail


@dataclass(frozen=True)
class ModuleRun:
    """One finished run of the module (`program ARGV`) and how long it took."""

    program: str
    argv: tuple[str, ...]
    process: subprocess.CompletedProcess[bytes]
    seconds: float

    def document(self) -> etree._Element:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        try:
            return etree.fromstring(self.process.stdout, parser)
        except etree.XMLSyntaxError:
            raise DemoFailed(
                f"{self.program} {' '.join(self.argv)} printed no XML document",
                self.process.stdout.decode("utf-8", "replace")[:500],
            ) from None


def error_text(run: ModuleRun) -> str:
    """The `desc` of the module's error document, else its stderr/stdout."""
    with contextlib.suppress(DemoFailed):
        error = run.document().find("error")
        if error is not None:
            desc = error.findtext("param[@name='desc']") or ""
            return f"{desc} (error type {error.get('type', '?')})"
    text = (run.process.stderr or run.process.stdout).decode("utf-8", "replace").strip()
    return text[-1000:] or f"exit status {run.process.returncode}, no output"


@dataclass(eq=False)
class LifecycleDemo:
    """One run of a handler's demo; `run()` returns the exit status.

    `domain` and `log_copy` left out take the demo's defaults; a demo whose `default_log_copy`
    is None keeps no copy of the module's log unless given one."""

    out: TextIO
    domain: str = ""
    log_copy: Path | None = None
    keep: bool = False
    workdir: Path | None = None

    #: The executable's name: PMENOMSSL_NAME, its log, the output.
    module_name: ClassVar[str]
    #: Run as `python -m python_module --command …`.
    python_module: ClassVar[str]
    total_steps: ClassVar[int]
    default_domain: ClassVar[str]
    default_log_copy: ClassVar[Path | None] = None

    def __post_init__(self) -> None:
        self.domain = self.domain or self.default_domain
        target = self.log_copy or self.default_log_copy
        self.copy_log = target is not None
        #: Where the module's log is copied to (with `copy_log`, or after a failure).
        self.log_target = target or Path()
        self.directory = Path()
        self.standin: StandIn | None = None
        self._sandboxes: list[LoopbackSandbox] = []
        self.module_id = 0
        self.item_id = 0
        self.step_number = 0
        self.current_step = "setting up"
        self.module_runs = 0
        self.started = time.monotonic()

    # --- output ------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def step(self, title: str) -> None:
        self.step_number += 1
        self.current_step = title
        self.say()
        self.say(f"[{self.step_number}/{self.total_steps}] {title}")

    def info(self, text: str) -> None:
        indent = "      " + " " * (len(text) - len(text.lstrip(" ")))
        for line in textwrap.wrap(
            text.strip(), width=WIDTH, initial_indent=indent, subsequent_indent=indent + "  "
        ):
            self.say(line)

    # --- the pieces --------------------------------------------------------------------------

    @property
    def billmanager(self) -> StandIn:
        """The BILLmanager stand-in (once `setup` made it)."""
        assert self.standin is not None
        return self.standin

    @property
    def root(self) -> Path:
        return self.billmanager.root

    def module(self, *args: str, stdin: bytes = b"", show: str | None = None) -> ModuleRun:
        """Run the module (`module_name ARGS`) as BILLmanager does; show the command line and
        its time."""
        assert self.standin is not None
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("PMENOMSSL_"):
                del env[name]
        env.update(self.standin.env())
        env["PMENOMSSL_LOG"] = str(self.standin.log_path(self.module_name))
        env["PMENOMSSL_NAME"] = self.module_name
        package_parent = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_parent, env.get("PYTHONPATH", "")) if p
        )
        started = time.monotonic()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", self.python_module, *args],
                input=stdin,
                env=env,
                cwd=str(self.root),
                capture_output=True,
                timeout=MODULE_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DemoFailed(
                f"{self.module_name} {' '.join(args)} did not finish within "
                f"{MODULE_TIMEOUT_SECONDS:g} s"
            ) from None
        self.module_runs += 1
        run = ModuleRun(self.module_name, tuple(args), proc, time.monotonic() - started)
        shown = f"    $ {self.module_name} {show if show is not None else ' '.join(args)}"
        timing = f"{run.seconds:.2f} s"
        self.say(shown + " " * max(2, WIDTH - len(shown) - len(timing)) + timing)
        if proc.returncode != 0:
            raise DemoFailed(
                f"{self.module_name} {' '.join(args)} exited with status {proc.returncode}",
                error_text(run),
            )
        return run

    def params(self) -> dict[str, str]:
        assert self.standin is not None
        return self.standin.item_params(self.item_id)

    # --- set-up ------------------------------------------------------------------------------

    def create_standin(self) -> StandIn:
        """The work directory (--keep's, or a fresh temporary one named after the module) with
        a BILLmanager stand-in in it."""
        from pmenomssl import billing
        from pmenomssl.sandbox.billmanager.standin import StandIn

        if self.workdir is not None:
            self.directory = self.workdir
            self.directory.mkdir(parents=True, exist_ok=True)
        else:
            self.directory = Path(tempfile.mkdtemp(prefix=f"{self.module_name}-demo-"))
        billing.clear_caches()
        self.standin = StandIn.create(
            self.directory / "mgr5", db="sqlite", debug_level=9, module_name=self.module_name
        )
        return self.standin

    def start_sandbox(self, sandbox: _Sandbox) -> _Sandbox:
        """Start `sandbox`; `teardown` stops it."""
        self._sandboxes.append(sandbox.start())
        return sandbox

    def setup(self) -> None:
        """Start the sandbox, create the stand-in and the processing module; say what is where."""
        raise NotImplementedError

    def teardown(self) -> None:
        """Stop the sandboxes, then remove the stand-in."""
        while self._sandboxes:
            self._sandboxes.pop().stop()
        if self.standin is not None:
            if self.keep:
                self.standin.close()
            else:
                self.standin.drop()
        if not self.keep and self.workdir is None and self.directory != Path():
            shutil.rmtree(self.directory, ignore_errors=True)

    # --- the steps every module has ----------------------------------------------------------

    def features_step(self) -> tuple[etree._Element, list[str]]:
        """The module's `features` document and the names of the features it declares."""
        self.step("Module features: what BILLmanager learns when it loads the module")
        doc = self.module("--command", "features").document()
        return doc, [f.get("name", "") for f in doc.iterfind("features/feature")]

    def introduce(self, headline: str, sandbox: Sequence[str], module: Sequence[str]) -> None:
        """What the set-up made, a labelled block each: the work directory, the sandbox (its
        label, then its lines) and the BILLmanager stand-in with the processing module."""
        self.say(headline)
        self.say("run by the real module exactly as BILLmanager runs it. No network, no MySQL.")
        self.say()
        blocks = (
            ("work directory", [str(self.directory)]),
            (sandbox[0], sandbox[1:]),
            ("BILLmanager", [f"stand-in at {self.root} (SQLite, a working mgrctl)", *module]),
        )
        for label, lines in blocks:
            for number, line in enumerate(lines):
                self.say(f"  {label if number == 0 else '':<17}{line}")

    def check_connection_with(self, url: str, username: str, password: str) -> None:
        """The Test button of the module's settings form: check_connection with the form."""
        self.step("Connection check: the Test button of the module's settings form")
        form = etree.Element("doc")
        node = etree.SubElement(form, "processingmodule")
        etree.SubElement(node, "url").text = url
        etree.SubElement(node, "username").text = username
        etree.SubElement(node, "password").text = password
        stdin = etree.tostring(form, xml_declaration=True, encoding="UTF-8")
        self.module(
            "--command",
            "check_connection",
            stdin=stdin,
            show="--command check_connection   < form (url, username, password)",
        )

    def get_balance(self) -> tuple[str, str, Mapping[str, Any]]:
        """BILLmanager's periodic getbalance: the amount and currency the module printed, and
        what it saved in BILLmanager."""
        self.step("Balance: BILLmanager's periodic getbalance")
        doc = self.module("--command", "getbalance", "--module", str(self.module_id)).document()
        amount = doc.findtext("balance") or ""
        saved = self.billmanager.balance(self.module_id)
        if not amount or saved is None:
            raise DemoFailed("getbalance printed or saved no balance", etree.tostring(doc).decode())
        return amount, doc.findtext("currency") or "", saved

    # --- the whole run -----------------------------------------------------------------------

    def lifecycle(self) -> str:
        """Every step after the set-up; returns what the closing line says was done."""
        raise NotImplementedError

    def run(self) -> int:
        self.started = time.monotonic()
        try:
            self.setup()
            done = self.lifecycle()
        except DemoFailed as failure:
            return self._failed(failure.what, failure.detail)
        except Exception as exc:  # a bug or a broken environment: still say which step
            return self._failed(f"{type(exc).__name__}: {exc}", "")
        finally:
            self.teardown()
        self.say()
        self.say(f"Demo finished in {time.monotonic() - self.started:.1f} s{done}")
        if self.keep:
            self.say(f"Kept for a look around: {self.directory}")
        return 0

    def _failed(self, what: str, detail: str) -> int:
        if not self.copy_log:  # never write outside the work directory unless asked to
            self.keep = True
            self.log_target = self.standin.log_path(self.module_name) if self.standin else Path()
        self.say()
        self.say(f"DEMO FAILED at step {self.step_number} ({self.current_step}): {what}")
        if detail:
            for line in detail.splitlines():
                for part in textwrap.wrap(line, WIDTH - 4) or [""]:
                    self.say(f"    {part}")
        if self.standin is not None:
            log = self.standin.log_path(self.module_name)
            with contextlib.suppress(OSError):
                self.log_target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(log, self.log_target)
                log = self.log_target
            self.say(f"The module's log: {log}")
        return 1


def count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for _ in handle)
    except OSError:
        return 0
