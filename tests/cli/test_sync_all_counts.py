"""`pmenomssl sync --all` through the real executable: closed services are left alone, and the
printed counts add up (issue 12 section 7: it synced a closed service and printed "1 changed
and synced, 1 failed" for one item)."""

from __future__ import annotations

import re

from tests.cli.conftest import Cli
from tests.cli.test_status_logs import _issued


def test_sync_all_skips_closed_services_and_its_counts_add_up(cli: Cli) -> None:
    kept, changed, closed = (_issued(cli, f"{n}.sync.example.com") for n in ("a", "b", "c"))
    cli.world.ok("close", closed)
    assert cli.standin.item_row(closed)["status"] == 4  # closed in BILLmanager
    # BILLmanager's side differs from ENOM's (issued) for `changed` and for the closed one.
    for item in (changed, closed):
        cli.standin.set_item_param(item, "service_status", "4")
    cli.standin.clear_journal()

    result = cli.run("sync", "--all", "--module", str(cli.module))

    assert result.returncode == 0, result.stdout + result.stderr
    line = result.stdout.strip().splitlines()[-1]
    found = re.fullmatch(
        r"module \d+: (\d+) certificates \((\d+) closed, skipped\), \d+ listed by ENOM: "
        r"(\d+) unchanged, (\d+) synced, (\d+) failed \(\d+\.\d s\)",
        line,
    )
    assert found is not None, line
    items, skipped, unchanged, synced, failed = map(int, found.groups())
    assert (items, skipped, unchanged, synced, failed) == (2, 1, 1, 1, 0)
    assert items == unchanged + synced + failed
    written = {str(r.get("params", {}).get("elid", "")) for r in cli.world.mgrctl_writes()}
    assert str(changed) in written
    assert str(closed) not in written and str(kept) not in written
    assert cli.world.params(changed)["service_status"] == "5"
    assert cli.world.params(closed)["service_status"] == "4"  # untouched
