"""Runs last in this folder (the name): every stdout, stderr, log file, stand-in journal and
errorxml the suite produced, plus every cassette, searched for the secrets the tests used:
the ENOM password/token, the panel key (PEM, its base64 body and each of its lines), the
database password (if the test server has one), test CSR private keys, and any private-key PEM.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pmenomssl.sandbox.billmanager import StoreConfig
from tests.conftest import DEFAULT_TEST_DB, TEST_DB_ENV
from tests.reliability.conftest import Collector, Figures, RecordingWorld

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
PRIVATE_PEM = re.compile(rb"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def secret_handling_runs(world: RecordingWorld) -> None:
    """Runs that handle every secret, so the search has material even when run alone: a
    failing open reported to a running operation (errorxml with the log tail), check_connection
    with the password on stdin, getbalance reading the crypted password."""
    item = world.order("rapidssl", "secrets.example.com")
    ro = world.standin.add_runningoperation(item, trycount=1, operation="open")
    world.sandbox.faults.add("bad_credentials", command="GetBalance", times=None)
    assert world.run("open", item, "--runningoperation", str(ro)).returncode == 1
    world.sandbox.faults.clear()
    assert world.standin.runningoperation(ro)["errorxml"]
    doc = (
        f"<doc><processingmodule><url>{world.sandbox.url}</url><username>x</username>"
        f"<password>{world.sandbox.pw}</password></processingmodule></doc>"
    ).encode()
    assert world.run("check_connection", None, stdin=doc).returncode == 1
    world.ok("getbalance", None, "--module", str(world.module))
    world.ok("open", item)


def test_no_secret_anywhere(world: RecordingWorld, collector: Collector, figures: Figures) -> None:
    secret_handling_runs(world)
    world.harvest()
    server = StoreConfig.from_url(os.environ.get(TEST_DB_ENV) or DEFAULT_TEST_DB)
    collector.secret("database password", server.password)
    texts = list(collector.texts)
    # every cassette folder, recursively (cassettes/upstream/ and any later one included)
    cassettes = sorted(path for path in CASSETTES.rglob("*") if path.is_file())
    assert any(path.parent != CASSETTES for path in cassettes), "no cassette sub-folder searched"
    for cassette in cassettes:
        texts.append((f"cassette {cassette.relative_to(CASSETTES)}", cassette.read_bytes()))
    assert len(texts) > 10 and len(collector.secrets) >= 4, (len(texts), list(collector.secrets))
    # the search itself works: a planted secret is found
    planted = [("planted", b"xx " + collector.secrets["ENOM password"].encode() + b" yy")]
    assert find(planted, collector.secrets)
    hits = find(texts, collector.secrets)
    figures.secrets_found = len(hits)
    figures.texts_searched = len(texts)
    assert hits == [], hits[:20]


def find(texts: list[tuple[str, bytes]], secrets: dict[str, str]) -> list[str]:
    needles = {label: value.encode() for label, value in secrets.items() if len(value) >= 6}
    hits = []
    for where, content in texts:
        for label, needle in needles.items():
            if needle in content:
                hits.append(f"{label} in {where}")
        if PRIVATE_PEM.search(content):
            hits.append(f"a private-key PEM in {where}")
    return hits
