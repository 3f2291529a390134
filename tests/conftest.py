"""Shared fixtures: the database server and BILLmanager stand-ins.

- `PMENOMSSL_TEST_DB` names the MariaDB/MySQL server (default mysql://root@127.0.0.1:3306).
  One uniquely named database per test session gets the schema once; each `standin` empties
  its tables (fast isolation). The database is dropped at the end of the session.
- No server answering: tests using `standin` are SKIPPED with the reason, unless
  `PMENOMSSL_REQUIRE_DB=1`, where that is a failure.
- `sqlite_standin` needs no server (the demo's mode).

Other folders keep their own fixtures in their own conftest.py; `tests/helpers.py` has
`run_module(standin, *args, stdin=…, env=…)`.

How the executable is started (tests/launcher.py): forked from a pre-started interpreter,
except in the tests marked `real_executable` here (REAL_EXECUTABLE), where the whole process,
interpreter start-up included, is what is tested.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmenomssl import billing, log
from pmenomssl.sandbox.billmanager import StandIn, StoreConfig, server_available
from pmenomssl.sandbox.billmanager import store as standin_store
from tests import launcher

TEST_DB_ENV = "PMENOMSSL_TEST_DB"
REQUIRE_DB_ENV = "PMENOMSSL_REQUIRE_DB"
DEFAULT_TEST_DB = "mysql://root@127.0.0.1:3306"
DB_PREFIX = "pmenomssl_t"
CHECKOUT = Path(__file__).resolve().parents[1]
# Test files (paths under tests/) that run the real executable for every run: guards of money
# and secrets, the reliability suite (kill, races, faults), clocks, start-up and benchmarks.
REAL_EXECUTABLE = (
    "*/test_guards.py",
    "protocol/test_guard_redaction.py",
    "reliability/*",
    "handler/test_clocks.py",
    "*startup*",
    "*prepared*",
    "bench/*",
)


def pytest_configure(config: pytest.Config) -> None:
    """Every subprocess a test starts runs this checkout's code, never an installed copy.

    With a plain `pip install '.[dev]'` the site-packages copy is stale the moment the source
    changes; a subprocess that runs from a temporary directory would import it. Putting the
    checkout first on PYTHONPATH of this process's environment (which every subprocess inherits
    or copies) makes `python -m pmenomssl` and the console scripts load the source under test.
    """
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(CHECKOUT) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(CHECKOUT), *paths])
    config.addinivalue_line(
        "markers", "real_executable: every run of the module starts a fresh interpreter"
    )
    if not hasattr(config, "workerinput"):  # once, in the main process (not per xdist worker)
        _compile_the_package()


def _compile_the_package() -> None:
    """Byte-compile the package once, so that every process a test starts (the module, the
    stand-in's mgrctl: thousands of them) loads it instead of compiling it again. Python writes
    these files itself on import, except under PYTHONDONTWRITEBYTECODE=1; they are still read
    then, and any edited source is recompiled as usual (its timestamp no longer matches)."""
    import compileall

    compileall.compile_dir(str(CHECKOUT / "pmenomssl"), quiet=2)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = CHECKOUT / "tests"
    for item in items:
        path = Path(str(item.path))
        relative = path.relative_to(tests).as_posix() if tests in path.parents else ""
        if any(fnmatch.fnmatch(relative, pattern) for pattern in REAL_EXECUTABLE) or any(
            word in item.name for word in ("startup", "prepared")
        ):
            item.add_marker(pytest.mark.real_executable)
        group = xdist_group(relative)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """Captured output that xdist can send from a worker (UTF-8 only): a lone surrogate (a test
    logs undecodable argv bytes on purpose) is shown as its escape instead of crashing the
    worker."""
    report: pytest.TestReport = yield
    report.sections = [
        (title, text.encode("utf-8", "backslashreplace").decode("utf-8"))
        for title, text in report.sections
    ]
    return report


def xdist_group(relative: str) -> str | None:
    """Tests that share one process under xdist (`--dist loadgroup`, pyproject.toml), in file
    order: the reliability suite, whose last file searches everything the others wrote (its
    session collector), and each operator file (one venv install per module-scoped fixture)."""
    if relative.startswith("reliability/"):
        return "reliability"
    if relative.startswith("operator/"):
        return relative
    return None


@pytest.fixture(autouse=True)
def _launch_mode(request: pytest.FixtureRequest) -> Iterator[None]:
    """Forked runs (tests/launcher.py) unless the test is marked `real_executable`."""
    launcher.allow_forking(request.node.get_closest_marker("real_executable") is None)
    yield
    launcher.allow_forking(False)


@pytest.fixture(autouse=True)
def _package_logger_propagates_again() -> Iterator[None]:
    """`log.setup` in a test process stops the package logger from propagating, as it should in
    the module (only the log file sees its records). No test leaves that to the next one: under
    pytest 8 (Python 3.9), `caplog` listens only at the root and then saw nothing, depending on
    which tests had run before in the same worker."""
    yield
    logging.getLogger(log.PACKAGE_LOGGER).propagate = True


@pytest.fixture(scope="session", autouse=True)
def _runs_the_checkout() -> None:
    """Fail every test, with the reason, when the code under test is not this checkout's."""
    import pmenomssl

    here = Path(pmenomssl.__file__).resolve()
    assert CHECKOUT in here.parents, f"tests import {here}, not the checkout {CHECKOUT}"
    with tempfile.TemporaryDirectory() as elsewhere:
        child = subprocess.run(
            [sys.executable, "-c", "import pmenomssl; print(pmenomssl.__file__)"],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert child.returncode == 0, child.stderr
    theirs = Path(child.stdout.strip()).resolve()
    assert CHECKOUT in theirs.parents, (
        f"a subprocess run from another directory imports {theirs}, not the checkout {CHECKOUT}"
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_stale(server: StoreConfig) -> None:
    """Drop test databases left by runs whose process is gone (a crash or a kill -9)."""
    pattern = re.compile(rf"^{DB_PREFIX}_(\d+)_[0-9a-f]+$")
    for name in standin_store.list_databases(server, DB_PREFIX + "_"):
        match = pattern.match(name)
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            standin_store.drop_database(server.with_database(name))


@pytest.fixture(scope="session")
def db_server() -> StoreConfig:
    """The MySQL server tests run against; skips (or fails with PMENOMSSL_REQUIRE_DB=1)."""
    url = os.environ.get(TEST_DB_ENV) or DEFAULT_TEST_DB
    try:
        server = StoreConfig.from_url(url)
    except ValueError as exc:
        pytest.fail(f"{TEST_DB_ENV}={url!r} is not a database URL: {exc}")
    why = server_available(server)
    if why is not None:
        message = (
            f"no MariaDB/MySQL server answers ({why}); set {TEST_DB_ENV}=mysql://user@host:port"
            f" to use another one"
        )
        if os.environ.get(REQUIRE_DB_ENV) == "1":
            pytest.fail(f"{REQUIRE_DB_ENV}=1 but {message}", pytrace=False)
        pytest.skip(message)
    _drop_stale(server)
    return server


@pytest.fixture(scope="session")
def standin_database(db_server: StoreConfig) -> Iterator[StoreConfig]:
    """One database with the stand-in schema for the whole session, dropped at the end."""
    config = db_server.with_database(standin_store.unique_database_name(DB_PREFIX))
    standin_store.create_database(config)
    try:
        yield config
    finally:
        standin_store.drop_database(config)


@pytest.fixture
def standin(standin_database: StoreConfig, tmp_path: Path) -> Iterator[StandIn]:
    """A MariaDB-backed BILLmanager stand-in with empty tables and a fresh `$ROOT`."""
    billing.clear_caches()
    instance = StandIn.create(tmp_path / "mgr5", db=standin_database, reuse_database=True)
    instance.serve()
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def sqlite_standin(tmp_path: Path) -> Iterator[StandIn]:
    """A SQLite-backed stand-in (no MySQL needed), like the demo's."""
    billing.clear_caches()
    instance = StandIn.create(tmp_path / "mgr5", db="sqlite")
    try:
        yield instance
    finally:
        instance.drop()
