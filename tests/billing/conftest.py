"""Fixtures of the billing-gateway tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pmenomssl import log
from pmenomssl.billing import BillingGateway
from pmenomssl.sandbox.billmanager import StandIn


@pytest.fixture(params=["mysql", "sqlite"])
def any_standin(request: pytest.FixtureRequest) -> StandIn:
    """The same test against MariaDB and against the SQLite (demo) mode."""
    name = "standin" if request.param == "mysql" else "sqlite_standin"
    instance: StandIn = request.getfixturevalue(name)
    return instance


@pytest.fixture
def gateway(any_standin: StandIn) -> Iterator[BillingGateway]:
    gw = BillingGateway(any_standin.root, mgrctl_timeout=20)
    yield gw
    gw.close()


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The package log, written to a temp file at debug level for the test."""
    path = tmp_path / "pmenomssl.log"
    log.setup(name="pmenomssl", path=path, core=9)
    yield path
    log.setup(name="pmenomssl", path=tmp_path / "after.log", core=9)
