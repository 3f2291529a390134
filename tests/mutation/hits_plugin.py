"""pytest plugin for mutation runs only (`tests/mutation/run.py` loads it with `-p`).

While mutmut maps tests to the functions they reach, the subprocesses a test started (the real
executable) append the functions they reached to files in $MUTMUT_SCRATCH_HITS (see
SITECUSTOMIZE in run.py). Before mutmut's own teardown hook credits the hits to the test, this
hook adds the subprocesses' hits, so a guard tested only through the executable still gets its
mutants run against that test. Outside a mutation run it does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    folder = os.environ.get("MUTMUT_SCRATCH_HITS")
    if folder and os.environ.get("MUTANT_UNDER_TEST") == "stats":
        from mutmut.state import state

        for path in Path(folder).glob("*.hits"):
            names = path.read_text(encoding="utf-8").split()
            path.unlink()
            state()._stats.update(names)
    yield
