"""A test-only handler, registered through a real entry point in a throw-away distribution.

The module under test runs as a real subprocess; it finds this handler exactly as it would find
a third-party one: by the executable's name in the `pmenomssl.handlers` entry-point group.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.launcher import run_program

TEST_HANDLER = textwrap.dedent(
    r"""
    from __future__ import annotations
    import sys
    from lxml import etree
    from pmenomssl.errors import ModuleError
    from pmenomssl.handlers.base import Handler, ParamSpec, TemplateSpec

    class Boom(ModuleError):
        error_type = "test_boom"

    class TestHandler(Handler):
        itemtypes = ("widget",)
        params = (ParamSpec("url"), ParamSpec("secret", crypted=True))
        max_tries = {"open": 2}

        def templates(self):
            return (TemplateSpec("basic", {"wildcard": "yes"}),)

        def command_open(self, ctx):
            import os
            if ctx.args.item == 13 or str(ctx.args.item) == os.environ.get("FAIL_ITEM"):
                item = str(ctx.args.item)
                raise Boom(f"item {item} is unlucky: pick another item", obj="item", value=item)
            if ctx.args.item == 66:
                raise RuntimeError("a bug")
            print("stray print that must not reach stdout")
            return None

        def command_check_connection(self, ctx):
            doc = ctx.document
            if doc is None or doc.findtext("processingmodule/password") != "right":
                raise ModuleError("wrong password hunter2x", error_type="invalid_login_or_passwd")
            return etree.Element("doc")

        def command_suspend(self, ctx):
            # Marks its critical section in a file, for the per-item lock test.
            import os, time
            with open(os.environ["MARKS"], "a") as marks:
                marks.write(f"start {ctx.args.item}\n"); marks.flush()
                time.sleep(float(os.environ.get("HOLD", "0.3")))
                # RENDEZVOUS=N: stay inside until N runs have started (at most 20 s), so
                # "they overlapped" does not depend on how fast a loaded machine starts them
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    with open(os.environ["MARKS"]) as seen:
                        if seen.read().count("start") >= int(os.environ.get("RENDEZVOUS", "0")):
                            break
                    time.sleep(0.05)
                marks.write(f"end {ctx.args.item}\n")
            return None

        def command_resume(self, ctx):
            import time
            while True:  # a provider that never answers
                time.sleep(0.1)

        def command_sync_item(self, ctx):
            import logging
            logging.getLogger("pmenomssl.test").info("syncing with pw=hunter2x and secret")
            return None
    """
)


@dataclass
class ModuleRunner:
    root: Path
    env: dict[str, str]

    def __call__(
        self,
        *argv: str,
        stdin: bytes = b"",
        name: str = "pmtest",
        timeout: float = 30,
        extra_env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        env = dict(self.env, PMENOMSSL_NAME=name, **(extra_env or {}))
        return run_program(
            [sys.executable, "-m", "pmenomssl", *argv],
            stdin=stdin,
            env=env,
            cwd=self.root,
            timeout=timeout,
        )

    def start(self, *argv: str, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
        env = dict(self.env, PMENOMSSL_NAME="pmtest", **extra_env)
        return subprocess.Popen(
            [sys.executable, "-m", "pmenomssl", *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=self.root,
        )

    @property
    def log(self) -> Path:
        return self.root / "var" / "pmtest.log"


def make_handler_site(tmp_path: Path) -> Path:
    """A directory holding the test handler and the dist-info that registers it as `pmtest`."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "pmtest_handler.py").write_text(TEST_HANDLER)
    dist = site / "pmtest_handler-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: pmtest-handler\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[pmenomssl.handlers]\npmtest = pmtest_handler:TestHandler\n"
    )
    return site


@pytest.fixture
def test_module(tmp_path: Path) -> Iterator[ModuleRunner]:
    site = make_handler_site(tmp_path)
    root = tmp_path / "mgr5"
    (root / "var").mkdir(parents=True)
    (root / "etc").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMENOMSSL_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    env["PMENOMSSL_MGR_ROOT"] = str(root)
    yield ModuleRunner(root, env)
