"""The one switch of the reliability suite: `PMENOMSSL_LONG=1` scales every count up.

Every count a test uses comes from here, so the normal run (a few minutes, part of the whole
suite) and the long run (`PMENOMSSL_LONG=1`, well under 30 minutes on two cores) differ only
in this file. `PMENOMSSL_RELIABILITY_REPORT=1` (or the long setting) writes the figures of the
run to `tests/reliability/last_run.md`; a normal run leaves the tree untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

LONG = os.environ.get("PMENOMSSL_LONG") == "1"
WRITE_REPORT = LONG or os.environ.get("PMENOMSSL_RELIABILITY_REPORT") == "1"
REPORT_PATH = Path(__file__).with_name("last_run.md")
REPRODUCE = "PMENOMSSL_LONG=1 .venv/bin/pytest tests/reliability -q"
REPRODUCE_NORMAL = "PMENOMSSL_RELIABILITY_REPORT=1 .venv/bin/pytest tests/reliability -q"

# hypothesis examples per property (each example spawns the module at least once)
EXAMPLES = 60 if LONG else 12
# SIGKILL-and-rerun scenarios per command (open, prolong)
# (scenario i runs under ENOM clock i mod 4: UTC-8, UTC, UTC+3, a second before ENOM's midnight)
CRASH_RUNS_OPEN = 52 if LONG else 4
CRASH_RUNS_PROLONG = 52 if LONG else 4
# processes started at once on different items
CONCURRENT_ITEMS = 20
# races on one item (open vs sync_item, open vs open)
SAME_ITEM_RACES = 10 if LONG else 2
# BILLmanager's re-runs after a failure, before a test gives up
RERUNS = 6
