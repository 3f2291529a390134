"""`pmenomssl.log`'s start-up path in-process (issue 16's `write`/`start` and the attachment to
`logging` when it is first imported), pinned for mutation testing (issue 17).

The other in-process log tests are in test_log_lines.py; the guards through the real executable
in test_guard_redaction.py.
"""

from __future__ import annotations

import importlib
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmenomssl import log
from tests.protocol.test_log_lines import lines, package_logger_restored


@pytest.fixture
def restored() -> Iterator[logging.Logger]:
    with package_logger_restored() as package:
        yield package


def _line_text(line: str) -> str:
    """What follows the stamp and [pid:thread] of a line."""
    return line.split("] ", 1)[1]


# --- write: the start-up path's own lines ------------------------------------------------------


def test_write_puts_a_line_at_or_above_the_level(restored: logging.Logger, tmp_path: Path) -> None:
    path = tmp_path / "w.log"
    log.start("unit", str(path), core=5)  # COREmanager 5: INFO
    log.write(log.DEBUG, "not this one")
    log.write(log.EXTINFO, "nor this one")
    log.write(log.INFO, "at the level")
    log.write(log.WARNING, "above it")
    log.write(25, "a level without a name")
    assert [_line_text(line) for line in lines(path)] == [
        "unit INFO at the level",
        "unit WARNING above it",
        "unit 25 a level without a name",
    ]


def test_write_names_every_level(restored: logging.Logger, tmp_path: Path) -> None:
    path = tmp_path / "w.log"
    log.start("unit", str(path), core=9)
    for level in (log.DEBUG, log.EXTINFO, log.INFO, log.WARNING, log.ERROR, log.CRITICAL):
        log.write(level, "x")
    assert [_line_text(line) for line in lines(path)] == [
        "unit DEBUG x",
        "unit EXTINFO x",
        "unit INFO x",
        "unit WARNING x",
        "unit ERROR x",
        "unit CRITICAL x",
    ]


def test_write_redacts_and_tags_its_line(
    restored: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "_secrets", set())
    path = tmp_path / "w.log"
    log.start("unit", str(path), core=6)
    log.register_secret("Reg-Zq9-secret")
    log.set_context("open", item=4)
    log.write(log.INFO, "run with password=Zq9pw and Reg-Zq9-secret")
    (line,) = lines(path)
    assert _line_text(line) == "unit INFO [open item=4] run with password=*** and ***"
    assert log.tail()[-1] == line


def test_write_without_a_log_file_does_nothing(
    restored: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    log._file = None
    log.write(log.CRITICAL, "nowhere to go")  # must not raise
    assert not log.enabled(log.CRITICAL)
    assert capsys.readouterr().err == ""


def test_write_to_a_broken_log_says_so_once_on_stderr(
    restored: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    log.start("unit", "/dev/full", core=6)  # every write fails: ENOSPC
    log.write(log.INFO, "lost line")  # must not raise
    assert capsys.readouterr().err == (
        "pmenomssl: could not write the log file: [Errno 28] No space left on device\n"
    )


def test_enabled_follows_the_files_level(restored: logging.Logger, tmp_path: Path) -> None:
    log.start("unit", str(tmp_path / "e.log"), core=6)  # EXTINFO
    assert not log.enabled(log.DEBUG)
    assert not log.enabled(log.EXTINFO - 1)
    assert log.enabled(log.EXTINFO)
    assert log.enabled(log.INFO)
    log._file = None
    assert not log.enabled(log.CRITICAL)


# --- start: the file, its name and level -------------------------------------------------------


def test_start_returns_the_path_and_uses_the_explicit_one(
    restored: logging.Logger, tmp_path: Path
) -> None:
    path = tmp_path / "s.log"
    assert log.start("unit", str(path), core=9) == str(path)
    assert log.current_path() == path
    assert log._file is not None and log._file.name == "unit"


def test_start_finds_name_path_and_level_from_the_environment(
    restored: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PMENOMSSL_LOG", raising=False)
    monkeypatch.setenv("PMENOMSSL_NAME", "pmstart")
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))
    (tmp_path / "var").mkdir()
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "debug.conf").write_text("pmstart 4\n", encoding="utf-8")
    assert log.start() == str(tmp_path / "var" / "pmstart.log")
    log.write(log.INFO, "below WARNING")
    log.write(log.WARNING, "kept")
    assert [_line_text(x) for x in lines(tmp_path / "var" / "pmstart.log")] == [
        "pmstart WARNING kept"
    ]
    assert restored.level == logging.WARNING


def test_start_again_closes_the_first_file(restored: logging.Logger, tmp_path: Path) -> None:
    log.start("unit", str(tmp_path / "a.log"), core=9)
    log.write(log.INFO, "one")
    first = log._file
    assert first is not None and first._fd is not None
    log.start("unit", str(tmp_path / "b.log"), core=9)
    assert first._fd is None
    log.write(log.INFO, "two")
    assert [_line_text(x) for x in lines(tmp_path / "a.log")] == ["unit INFO one"]
    assert [_line_text(x) for x in lines(tmp_path / "b.log")] == ["unit INFO two"]


def test_setup_twice_leaves_one_handler_on_the_package_logger(
    restored: logging.Logger, tmp_path: Path
) -> None:
    log.setup("unit", path=tmp_path / "a.log", core=9)
    log.setup("unit", path=tmp_path / "b.log", core=9)
    ours = [h for h in restored.handlers if type(h).__module__ == log.__name__]
    assert ours == [log._attached]
    logging.getLogger("pmenomssl.unit").info("once")
    assert [_line_text(x) for x in lines(tmp_path / "b.log")] == ["unit INFO once"]
    assert not (tmp_path / "a.log").exists()


def test_setup_sets_level_name_and_no_propagation(restored: logging.Logger, tmp_path: Path) -> None:
    restored.propagate = True
    log.setup("unit", path=tmp_path / "p.log", core=6)
    assert restored.propagate is False
    assert restored.level == log.EXTINFO
    assert logging.getLevelName(log.EXTINFO) == "EXTINFO"
    logging.getLogger("pmenomssl.unit").log(log.EXTINFO, "extra")
    logging.getLogger("pmenomssl.unit").debug("hidden")
    assert [_line_text(x) for x in lines(tmp_path / "p.log")] == ["unit EXTINFO extra"]


def test_a_handler_whose_file_is_gone_writes_nothing(
    restored: logging.Logger, tmp_path: Path
) -> None:
    log.setup("unit", path=tmp_path / "g.log", core=9)
    log._file = None
    logging.getLogger("pmenomssl.unit").warning("dropped")  # must not raise
    assert not (tmp_path / "g.log").exists()


# --- the attachment when `logging` is imported later -------------------------------------------


@pytest.fixture
def without_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has not imported `logging` yet (as the module's start-up is): the real
    module goes back into sys.modules, and sys.meta_path is restored, afterwards."""
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.delitem(sys.modules, "logging")
    yield


def _ours(finders: list[Any]) -> list[Any]:
    return [f for f in finders if isinstance(f, log._AttachOnImport)]


def test_start_before_logging_waits_for_its_import(
    restored: logging.Logger, without_logging: None, tmp_path: Path
) -> None:
    path = tmp_path / "late.log"
    log.start("unit", str(path), core=9)
    log.start("unit", str(path), core=9)  # a second start adds no second finder
    (finder,) = _ours(sys.meta_path)
    assert sys.meta_path[0] is finder  # first: before the finder that would load logging
    fresh = importlib.import_module("logging")
    assert fresh is not logging  # a new module object, as in a process that had none
    assert _ours(sys.meta_path) == []  # the finder removed itself
    fresh.getLogger("pmenomssl.unit").info("from a late import")
    fresh.getLogger("pmenomssl.unit").log(log.EXTINFO, "extinfo by name")
    assert [_line_text(x) for x in lines(path)] == [
        "unit INFO from a late import",
        "unit EXTINFO extinfo by name",
    ]
    assert fresh.getLogger(log.PACKAGE_LOGGER).propagate is False


def test_the_finder_finds_nothing_but_logging(without_logging: None) -> None:
    finder = log._AttachOnImport()
    sys.meta_path.insert(0, finder)
    assert finder.find_spec("json") is None
    assert finder in sys.meta_path  # still waiting for logging
    spec = finder.find_spec("logging")
    assert spec is not None and spec.name == "logging"
    assert isinstance(spec.loader, log._AttachAfterExec)
    assert finder not in sys.meta_path


def test_the_finder_without_anyone_to_find_logging_finds_nothing(
    without_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Nothing:
        def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
            return None

    finder = log._AttachOnImport()
    monkeypatch.setattr(sys, "meta_path", [finder, object(), Nothing()])
    assert finder.find_spec("logging") is None
    assert sys.meta_path[0] is not finder


def test_the_wrapped_loader_is_the_real_one_plus_the_attachment(
    restored: logging.Logger, tmp_path: Path
) -> None:
    import importlib.util

    spec = importlib.util.find_spec("logging")
    assert spec is not None and spec.loader is not None
    real = spec.loader
    wrapped = log._AttachAfterExec(real)
    assert wrapped.get_source("logging") == real.get_source("logging")  # type: ignore[attr-defined]
    assert wrapped.create_module(spec) is None  # a plain source module: the default object
    path = tmp_path / "wrapped.log"
    log.start("unit", str(path), core=9)
    module = importlib.util.module_from_spec(spec)
    wrapped.exec_module(module)
    module.getLogger("pmenomssl.unit").warning("through the wrapped loader")
    assert [_line_text(x) for x in lines(path)] == ["unit WARNING through the wrapped loader"]


def test_attach_without_a_file_only_removes_ours(restored: logging.Logger, tmp_path: Path) -> None:
    log.setup("unit", path=tmp_path / "a.log", core=9)
    ours = log._attached
    assert ours in restored.handlers
    log._file = None
    log._attach(logging)
    assert ours not in restored.handlers


# --- the tail kept for BILLmanager's error report ----------------------------------------------


def test_the_tail_is_the_last_hundred_lines_in_order(
    restored: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "_tail", [])
    log.start("unit", str(tmp_path / "t.log"), core=9)
    for n in range(250):
        log.write(log.INFO, f"line {n}")
    kept = log.tail()
    assert [_line_text(x) for x in kept] == [f"unit INFO line {n}" for n in range(150, 250)]
    # the list itself is cut back to 100 lines whenever it passes 200, not kept whole
    assert len(log._tail) == 149  # line 200 made it 201: lines 101-200 kept, then 49 more
    assert log._tail[0].endswith(" unit INFO line 101")


def test_write_stamps_the_line_with_the_time_it_was_called(
    restored: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clock.log"
    log.start("unit", str(path), core=9)
    stopped = time.mktime((2021, 3, 4, 5, 6, 7, 0, 0, -1))  # local time, like the log
    monkeypatch.setattr(time, "time", lambda: stopped)  # the clock log.py reads
    log.write(log.INFO, "then")
    monkeypatch.undo()
    (line,) = lines(path)
    assert line.startswith("Mar 04 05:06:07 ["), line


# --- the file: where it is opened, and how --------------------------------------------------


def test_a_log_file_named_without_a_folder_is_opened_in_the_current_one(
    restored: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log.start("unit", "bare.log", core=9)
    log.write(log.INFO, "here")
    assert [_line_text(x) for x in lines(tmp_path / "bare.log")] == ["unit INFO here"]


def test_a_log_file_in_an_existing_folder_is_appended_to(
    restored: logging.Logger, tmp_path: Path
) -> None:
    path = tmp_path / "old.log"
    path.write_text("a line of an earlier run\n", encoding="utf-8")
    log.start("unit", str(path), core=9)
    log.write(log.INFO, "new")
    first, second = lines(path)
    assert first == "a line of an earlier run"
    assert _line_text(second) == "unit INFO new"


# --- the pattern cache ----------------------------------------------------------------------


def test_a_pattern_is_compiled_once_then_taken_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import re

    monkeypatch.setattr(log, "_patterns", {})
    compiled = log._pattern(r"a.b")
    assert compiled.flags & re.DOTALL  # `.` crosses lines: a PEM block spans many
    assert compiled.fullmatch("a\nb")
    assert log._patterns == {r"a.b": compiled}
    cached = re.compile("something else")
    monkeypatch.setattr(log, "_patterns", {r"a.b": cached})
    assert log._pattern(r"a.b") is cached


# --- the finder and loader, against recording fakes -----------------------------------------


class _Loader:
    def __init__(self) -> None:
        self.created: list[Any] = []

    def create_module(self, spec: Any) -> None:
        self.created.append(spec)

    def exec_module(self, module: Any) -> None:
        raise AssertionError("not run here")


class _Finder:
    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.asked: list[tuple[str, Any, Any]] = []

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        import importlib.machinery

        self.asked.append((fullname, path, target))
        return importlib.machinery.ModuleSpec(fullname, self.loader)


def test_the_finder_asks_the_others_with_the_same_arguments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loader = _Loader()
    other = _Finder(loader)
    finder = log._AttachOnImport()
    monkeypatch.setattr(sys, "meta_path", [finder, other])
    target = object()
    spec = finder.find_spec("logging", ["somewhere"], target)
    assert other.asked == [("logging", ["somewhere"], target)]
    assert spec is not None and isinstance(spec.loader, log._AttachAfterExec)
    spec.loader.create_module(spec)
    assert loader.created == [spec]  # the real loader's own create_module, with the spec


@pytest.mark.parametrize("loader", [None, "a loader without exec_module"])
def test_a_spec_without_a_modern_loader_is_passed_on_unwrapped(
    monkeypatch: pytest.MonkeyPatch, loader: Any
) -> None:
    other = _Finder(loader)
    finder = log._AttachOnImport()
    monkeypatch.setattr(sys, "meta_path", [finder, other])
    spec = finder.find_spec("logging")
    assert spec is not None and spec.loader is loader


# --- redaction: the guard's decisions in-process (test_guard_redaction.py runs them through the
# executable, test_log_lines.py has the rest) ---------------------------------------------------


def test_a_line_holding_every_keyword_is_still_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The keyword shortcut lets only text with NO keyword skip the patterns: a line with all
    of them (a dump of a whole configuration) is redacted like any other."""
    monkeypatch.setattr(log, "_secrets", set())
    text = "pw=Zq1a passwd=Zq2b token=Zq3c apikey=Zq4d api_key=Zq5e"
    assert log.redact(text) == "pw=*** passwd=*** token=*** apikey=*** api_key=***"


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "login user=reseller password=Zq9a1 done",
            "login user=reseller password=*** done",
        ),
        ("GET /api?token=Zq9a1&out=xml", "GET /api?token=***&out=xml"),
        ("authinfo pw=Zq9a1", "authinfo pw=***"),
        ('{"apikey": "Zq9a1"}', '{"apikey": "***"}'),
        ("<doc><password>Zq9a1</password></doc>", "<doc><password>***</password></doc>"),
        ("<doc><token>Zq9a1</token></doc>", "<doc><token>***</token></doc>"),
        ("<doc><PassWord>Zq9a1</PassWord></doc>", "<doc><PassWord>***</PassWord></doc>"),
        ("<pw>Zq9\na1</pw>", "<pw>***</pw>"),
    ],
)
def test_secret_fields_and_elements_are_redacted(
    monkeypatch: pytest.MonkeyPatch, text: str, redacted: str
) -> None:
    monkeypatch.setattr(log, "_secrets", set())
    assert log.redact(text) == redacted


@pytest.mark.parametrize("kind", ["", "RSA ", "EC ", "ENCRYPTED "])
def test_every_pem_private_key_flavour_is_redacted(kind: str) -> None:
    text = (
        f"key: -----BEGIN {kind}PRIVATE KEY-----\nMIIBZq9\nAbC=\n-----END {kind}PRIVATE KEY-----."
    )
    assert log.redact(text) == "key: [private key redacted]."


def test_a_secret_logged_through_logging_reaches_neither_the_file_nor_the_tail(
    restored: logging.Logger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log, "_secrets", set())
    path = tmp_path / "s.log"
    log.setup("unit", path=path, core=9)
    log.register_secret("Reg-Zq9-value")
    logging.getLogger("pmenomssl.unit").warning(
        "answer: %s",
        "Reg-Zq9-value token=Zq9tok <password>Zq9pw</password> "
        "-----BEGIN PRIVATE KEY-----\nMIIZq9\n-----END PRIVATE KEY-----",
    )
    written = path.read_text(encoding="utf-8")
    for secret in ("Reg-Zq9-value", "Zq9tok", "Zq9pw", "MIIZq9"):
        assert secret not in written
        assert all(secret not in line for line in log.tail())
    assert written.endswith(
        " unit WARNING answer: *** token=*** <password>***</password> [private key redacted]\n"
    ), written
