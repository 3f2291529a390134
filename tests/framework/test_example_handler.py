"""The example handler (example_handler.py) through the real executable, found as a third
party's handler is: by the executable's name, through an entry point of another distribution.

The throw-away distribution is a `*.dist-info` on PYTHONPATH whose `entry_points.txt` names the
handler; the loader reads this package's own entry points first and scans every installed
distribution only for a name it does not register (pmenomssl/handlers/__init__.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from tests.framework.example_handler import GREETING_PARAM, NAME_PARAM
from tests.helpers import REPO, run_module

NAME = "pmexample"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A directory with the distribution that registers the example handler as `pmexample`."""
    dist = tmp_path / "site" / "pmexample_handler-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: pmexample-handler\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[pmenomssl.handlers]\n{NAME} = tests.framework.example_handler:ExampleHandler\n",
        encoding="utf-8",
    )
    return dist.parent


def run(standin: StandIn, site: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`python -m pmenomssl ARGS` named as an installed `pmexample` executable is: the install
    wrapper sets both the module's name and the handler's."""
    # The checkout first (the handler lives in its tests package), then the distribution.
    paths = (str(REPO), str(site), os.environ.get("PYTHONPATH"))
    pythonpath = os.pathsep.join(filter(None, paths))
    env = {"PMENOMSSL_NAME": NAME, "PMENOMSSL_HANDLER": NAME, "PYTHONPATH": pythonpath}
    return run_module(standin, *args, env=env)


def item_with(standin: StandIn, params: dict[str, str]) -> int:
    module = standin.add_module(NAME)
    tariff = standin.add_pricelist("greeting", "example", module_id=module)
    return standin.add_item(module, tariff, params=params)


def test_features_lists_the_declared_item_type_and_commands(
    sqlite_standin: StandIn, site: Path
) -> None:
    result = run(sqlite_standin, site, "--command", "features")

    assert result.returncode == 0, result.stderr
    doc = etree.fromstring(result.stdout)
    assert [e.get("name") for e in doc.iterfind("itemtypes/itemtype")] == ["example"]
    assert [e.get("name") for e in doc.iterfind("features/feature")] == ["close", "open"]


def test_open_writes_through_billmanager(sqlite_standin: StandIn, site: Path) -> None:
    item = item_with(sqlite_standin, {NAME_PARAM: "Ada"})

    result = run(sqlite_standin, site, "--command", "open", "--item", str(item))

    assert result.returncode == 0, result.stdout + result.stderr
    assert sqlite_standin.item_params(item)[GREETING_PARAM] == "Hello, Ada!"
    assert len(sqlite_standin.journal("service.postopen")) == 1
    # A re-run writes no param it already holds: only BILLmanager is told again.
    sqlite_standin.clear_journal()
    assert run(sqlite_standin, site, "--command", "open", "--item", str(item)).returncode == 0
    assert sqlite_standin.journal("service.saveparam") == []
    assert len(sqlite_standin.journal("service.postopen")) == 1


def test_an_error_ends_in_billmanagers_error_xml(sqlite_standin: StandIn, site: Path) -> None:
    item = item_with(sqlite_standin, {})

    result = run(sqlite_standin, site, "--command", "open", "--item", str(item))

    assert result.returncode == 1
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None, result.stdout
    assert (error.get("type"), error.get("object")) == ("example_no_name", NAME_PARAM)
    assert error.findtext("param[@name='value']") == str(item)
    assert f"has no {NAME_PARAM} param" in (error.findtext("param[@name='desc']") or "")
    assert sqlite_standin.journal("service.postopen") == []
