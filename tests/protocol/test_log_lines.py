"""`pmenomssl.log` in-process: what a line says and what never reaches it (issue 17).

The guards of secrets are tested through the real executable in test_guard_redaction.py; these
fast in-process tests pin the details mutation testing found unpinned (tests/mutation/README.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmenomssl import log


@contextlib.contextmanager
def package_logger_restored() -> Iterator[logging.Logger]:
    """The package logger, given back afterwards as it was (handlers, level, propagation)."""
    package = logging.getLogger(log.PACKAGE_LOGGER)
    handlers, level, propagate = list(package.handlers), package.level, package.propagate
    # log.py keeps its open file and the handler it attached (it replaces that one on the next
    # setup): both go back too, or a later setup would leave two handlers writing each line.
    saved_file, saved_attached = log._file, log._attached
    try:
        yield package
    finally:
        for handler in list(package.handlers):
            if handler not in handlers:
                package.removeHandler(handler)
                handler.close()
        package.handlers[:] = handlers
        package.setLevel(level)
        package.propagate = propagate
        if log._file is not None and log._file is not saved_file:
            log._file.close()
        log._file, log._attached = saved_file, saved_attached
        log.set_context()


@pytest.fixture
def logfile(tmp_path: Path) -> Iterator[Path]:
    """The package logger writing to a fresh file at level 9 (debug); restored afterwards."""
    with package_logger_restored():
        path = tmp_path / "unit.log"
        log.setup("unit", path=path, core=9)
        log.set_context()
        yield path


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_current_path_is_the_file_setup_opened(logfile: Path) -> None:
    assert log.current_path() == logfile


def test_timed_duration_is_in_milliseconds(logfile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0)  # a clock that stands still
    log.timed(logging.getLogger("pmenomssl.unit"), "CertGetCerts", 990.0, "ok")
    (line,) = lines(logfile)
    assert line.endswith(" unit INFO CertGetCerts 10000ms ok"), line


def test_timed_writes_what_how_long_and_the_outcome(logfile: Path) -> None:
    logger = logging.getLogger("pmenomssl.unit")
    log.timed(logger, "GetBalance", time.monotonic() - 0.25, "ok balance=12.00")
    (line,) = lines(logfile)
    match = re.search(r" unit INFO GetBalance (\d+)ms ok balance=12\.00$", line)
    assert match, line
    # at least the 250 ms that had passed; far less than a minute even on a loaded machine
    assert 250 <= int(match.group(1)) < 60_000, line


def test_a_line_carries_date_pid_thread_name_level_and_context(logfile: Path) -> None:
    log.set_context("open", item=42, runningoperation=7, module=3)
    logging.getLogger("pmenomssl.unit").warning("bought %s", "X")
    (line,) = lines(logfile)
    assert re.fullmatch(
        r"[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \[\d+:1\] unit WARNING "
        r"\[open item=42 module=3 ro=7\] bought X",
        line,
    ), line


@pytest.mark.parametrize(
    "text",
    [
        "password=Zq9secretvalue",
        "PASSWORD: Zq9secretvalue",
        '{"token": "Zq9secretvalue"}',
        "dbpassword=Zq9secretvalue&x=1",
        "api_key=Zq9secretvalue",
        "<passwd>Zq9secretvalue</passwd>",
        "<DBPassword>Zq9secretvalue</DBPassword>",
    ],
)
def test_redact_hides_secret_looking_fields(text: str) -> None:
    redacted = log.redact(text)
    assert "Zq9secretvalue" not in redacted
    assert log.REDACTED in redacted


def test_redact_sees_field_names_spelled_with_unicode_look_alikes() -> None:
    """Non-ASCII text always goes through the patterns: `(?i)` matches a long s (U+017F) to
    `s`, a spelling the ASCII keyword shortcut would miss."""
    assert log.redact("pa\u017f\u017fword=Zq9value") == "pa\u017f\u017fword=***"


def test_redact_keeps_the_rest_of_the_text() -> None:
    assert log.redact("user=reseller password=Zq9x&out=xml") == "user=reseller password=***&out=xml"
    assert log.redact("<doc><token>Zq9x</token></doc>") == "<doc><token>***</token></doc>"
    assert log.redact("nothing to hide here") == "nothing to hide here"


def test_redact_removes_a_private_key_block_and_keeps_what_follows() -> None:
    text = "before\n-----BEGIN PRIVATE KEY-----\nMIIBVQ\n-----END PRIVATE KEY-----\nafter"
    assert log.redact(text) == "before\n[private key redacted]\nafter"
    # a key cut off (no END line) is removed to the end of the text
    assert log.redact("x -----BEGIN RSA PRIVATE KEY-----\nMIIB") == "x [private key redacted]"


def test_a_secret_inside_another_is_replaced_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Longest first, whatever the alphabet says: replacing the short one first would leave
    the rest of the long one in the log."""
    monkeypatch.setattr(log, "_secrets", set())
    log.register_secret("Zq9x")
    log.register_secret("Aa-Zq9x-Bb")
    assert log.redact("k Aa-Zq9x-Bb and Zq9x") == "k *** and ***"


def test_registered_secrets_are_removed_longest_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(log, "_secrets", set())  # this process's other tests keep theirs
    log.register_secret("Zq9-abc")
    log.register_secret("Zq9-abc-longer")
    log.register_secret("ab")  # too short to register: it would blank ordinary words
    assert log.redact("a Zq9-abc-longer b Zq9-abc c ab") == "a *** b *** c ab"


def test_core_level_reads_debug_conf(tmp_path: Path) -> None:
    conf = tmp_path / "debug.conf"
    conf.write_text("other 9\nunit 3\nunit.* 8\nbroken\nunit x\n", encoding="utf-8")
    assert log.core_level("unit", conf) == 8  # the last line naming it wins
    assert log.core_level("nobody", conf) == log.DEFAULT_CORE_LEVEL == 6
    conf.write_text("unit 42\n", encoding="utf-8")
    assert log.core_level("unit", conf) == 9  # clamped to COREmanager's 1..9
    assert log.core_level("unit", tmp_path / "missing.conf") == 6


def test_log_path_prefers_the_explicit_file_then_var_then_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path / "mgr5"))
    monkeypatch.setenv("PMENOMSSL_LOG", str(tmp_path / "explicit.log"))
    assert log.log_path("pmx") == tmp_path / "explicit.log"
    monkeypatch.delenv("PMENOMSSL_LOG")
    assert log.log_path("pmx") == Path("logs") / "pmx.log"  # no $ROOT/var: ./logs
    (tmp_path / "mgr5" / "var").mkdir(parents=True)
    assert log.log_path("pmx") == tmp_path / "mgr5" / "var" / "pmx.log"
    (tmp_path / "mgr5" / "var").chmod(0o500)
    try:
        if os.access(tmp_path / "mgr5" / "var", os.W_OK):  # root ignores the mode
            return
        assert log.log_path("pmx") == Path("logs") / "pmx.log"  # var not writable: ./logs
    finally:
        (tmp_path / "mgr5" / "var").chmod(0o700)


def test_the_log_file_is_private_and_appended(logfile: Path) -> None:
    logging.getLogger("pmenomssl.unit").info("one")
    logging.getLogger("pmenomssl.unit").info("two")
    assert [line.rsplit(" ", 1)[1] for line in lines(logfile)] == ["one", "two"]
    assert (logfile.stat().st_mode & 0o777) == 0o600


def test_a_three_character_secret_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log, "_secrets", set())
    log.register_secret("Zq9")  # the shortest registered: 3 characters
    log.register_secret("Zq")
    log.register_secret(None)
    assert log.redact("a Zq9 b Zq c") == "a *** b Zq c"


def test_context_without_a_command_has_no_leading_space(logfile: Path) -> None:
    log.set_context(item=5)
    logging.getLogger("pmenomssl.unit").info("x")
    (line,) = lines(logfile)
    assert line.endswith(" unit INFO [item=5] x"), line


def test_a_worker_threads_context_is_its_own(logfile: Path) -> None:
    log.set_context("sync_module", module=3)
    logger = logging.getLogger("pmenomssl.unit")

    idents: list[int] = []

    def worker() -> None:
        idents.append(threading.get_ident())
        log.set_context("sync_item", item=9)
        logger.info("in the worker")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    logger.info("in the main thread")
    worker_line, main_line = lines(logfile)
    match = re.search(r"\[(\d+):(\d+)\] unit INFO \[sync_item item=9\] in the worker$", worker_line)
    # a worker is told apart by the last four digits of its thread id; the main thread is 1
    assert match and match.group(2) == str(idents[0] % 10000), worker_line
    assert main_line.endswith(":1] unit INFO [sync_module module=3] in the main thread"), main_line


def test_a_multi_line_record_stays_one_indented_record(logfile: Path) -> None:
    logging.getLogger("pmenomssl.unit").info("first\nsecond\rthird")
    first, second = lines(logfile)
    assert first.endswith(" unit INFO first"), first
    assert second == "    second\\x0dthird"  # CR escaped: it cannot forge a line


def test_a_closed_handler_reopens_its_file(logfile: Path) -> None:
    logger = logging.getLogger("pmenomssl.unit")
    logger.info("before")
    assert log._file is not None and log._file.path == str(logfile)
    log._file.close()
    logger.info("after")
    assert [line.rsplit(" ", 1)[1] for line in lines(logfile)] == ["before", "after"]


def test_core_level_edges(tmp_path: Path) -> None:
    conf = tmp_path / "debug.conf"
    conf.write_bytes(b"broken line\n\xff\xfe not utf-8\nunit 0\n")
    assert log.core_level("unit", conf) == 1  # read past bad lines and bytes; clamped to 1
    conf.write_text("unit 1\n", encoding="utf-8")
    assert log.core_level("unit", conf) == 1


def test_a_var_that_is_not_a_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PMENOMSSL_LOG", raising=False)
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))
    (tmp_path / "var").write_text("a file, writable")
    assert log.log_path("pmx") == Path("logs") / "pmx.log"


def test_the_log_folder_is_created_with_its_parents(tmp_path: Path) -> None:
    target = tmp_path / "not" / "yet" / "there.log"
    with package_logger_restored():
        log.setup("unit", path=target, core=6)
        logging.getLogger("pmenomssl.unit").info("made")
    assert target.read_text(encoding="utf-8").endswith(" unit INFO made\n")


def test_text_that_is_not_valid_unicode_is_still_logged(logfile: Path) -> None:
    logging.getLogger("pmenomssl.unit").info("argv byte \udcff here")
    (line,) = lines(logfile)
    assert line.endswith(" unit INFO argv byte ? here"), line


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_nothing_reaches_the_root_logger_unredacted(logfile: Path) -> None:
    """A root handler (a caller's basicConfig, a library's) would get the raw text: the package
    logger does not propagate, so only the redacting file handler sees records."""
    collect = _Collect()
    logging.getLogger().addHandler(collect)
    try:
        logging.getLogger("pmenomssl.unit").warning("password=Zq9rawvalue")
    finally:
        logging.getLogger().removeHandler(collect)
    assert collect.records == []
    assert "Zq9rawvalue" not in logfile.read_text(encoding="utf-8")


def test_setup_finds_file_and_level_by_the_module_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PMENOMSSL_LOG", raising=False)
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))
    (tmp_path / "var").mkdir()
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "debug.conf").write_text("pmunit 9\n", encoding="utf-8")
    with package_logger_restored() as package:
        assert log.setup("pmunit") == tmp_path / "var" / "pmunit.log"
        assert package.level == logging.DEBUG  # level 9 of debug.conf
        log.setup("pmunit", core=4)
        assert package.level == logging.WARNING  # an explicit level wins over debug.conf
        log.setup("pmunit", path=tmp_path / "x.log", core=9)
        assert package.level == logging.DEBUG


def test_a_log_that_cannot_be_written_never_breaks_the_module(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with package_logger_restored():
        log.setup("unit", path=Path("/dev/full"), core=6)  # every write fails: ENOSPC
        logging.getLogger("pmenomssl.unit").warning("lost line")  # must not raise
    # logging's own report of the failure names the record that was lost
    assert "Message: 'lost line'" in capsys.readouterr().err


def test_each_worker_thread_keeps_its_own_context(logfile: Path) -> None:
    logger = logging.getLogger("pmenomssl.unit")
    both_set = threading.Barrier(2, timeout=30)

    def worker(item: int) -> None:
        log.set_context("sync_item", item=item)
        both_set.wait()  # both contexts are set before either logs
        logger.info("worker of %s", item)

    threads = [threading.Thread(target=worker, args=(item,)) for item in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    found = sorted(re.sub(r"^.* INFO ", "", line) for line in lines(logfile))
    assert found == ["[sync_item item=1] worker of 1", "[sync_item item=2] worker of 2"]


def test_the_stamp_is_the_records_own_time(logfile: Path) -> None:
    record = logging.LogRecord("pmenomssl.unit", logging.INFO, __file__, 1, "old", None, None)
    record.created = time.mktime((2020, 1, 2, 3, 4, 5, 0, 0, -1))  # local time, like the log
    logging.getLogger("pmenomssl.unit").handle(record)
    (line,) = lines(logfile)
    assert line.startswith("Jan 02 03:04:05 ["), line


def test_an_exception_is_logged_with_its_traceback_indented(logfile: Path) -> None:
    try:
        raise ValueError("boom Zq9")
    except ValueError:
        logging.getLogger("pmenomssl.unit").exception("failed")
    first, *rest = lines(logfile)
    assert first.endswith(" unit ERROR failed"), first
    assert rest[0] == "    Traceback (most recent call last):"
    assert rest[-1] == "    ValueError: boom Zq9"
