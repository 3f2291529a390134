"""`pmenomssl doctor`: check an installation point by point and say what to fix.

Checks, in order (a check that depends on a failed one is SKIPped):

    wrapper    $ROOT/processing/<name> exists, is executable, is ours, its venv python exists
    features   the wrapper answers `--command features` with a features document
    xml        billmgr_mod_<name>.xml exists, parses, and matches the code: the form's fields
               are exactly the params of `features`, every template has a display name and
               every error type of the code a msg_error_ text, in Russian and English
    mgrctl     `mgrctl -m billmgr -o xml paramlist` answers
    database   BILLmanager's database answers (processing modules of this name)
    crypt key  the panel key (billmgr.conf CryptKey, default etc/billmgr.pem) loads
    log        the module log under $ROOT/var is writable
    enom #ID   each active processing module of this name reaches ENOM (GetBalance with its
               stored settings)
    ip         ENOM accepts this server's IP address (an EnomIpNotAllowedError quotes the
               address ENOM sees, which is what goes into ENOM's allow-list)
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from pmenomssl.operator import module_xml
from pmenomssl.operator.files import is_our_wrapper
from pmenomssl.operator.kinds import DEFAULT_HANDLER, by_handler
from pmenomssl.operator.layout import Layout

if TYPE_CHECKING:
    from pmenomssl.billing import BillingGateway

OK, FAIL, SKIP = "OK", "FAIL", "SKIP"
ENOM_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status:<4} {self.name}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text


@dataclass
class _State:
    features: etree._Element | None = None
    gateway: BillingGateway | None = None
    mgrctl_ok: bool = False
    database_ok: bool = False
    key_ok: bool = False
    ip_problems: list[tuple[int, str, str]] = field(default_factory=list)  # module, ip, desc
    enom_ok: int = 0


def log_usable(path: Path) -> bool:
    """The module could append to its log file at `path`."""
    if path.exists():
        return path.is_file() and os.access(path, os.W_OK)
    return path.parent.is_dir() and os.access(path.parent, os.W_OK)


def _install_cmd(layout: Layout) -> str:
    return f"pmenomssl install --root {layout.root} --name {layout.name}"


class Doctor:
    def __init__(self, root: Path, name: str) -> None:
        self.layout = Layout(root.resolve(), name)
        self.state = _State()

    # -- installation -------------------------------------------------------------------------

    def check_wrapper(self) -> Check:
        path = self.layout.wrapper
        fix = _install_cmd(self.layout)
        if not path.exists():
            return Check("wrapper", FAIL, f"{path} does not exist.", fix)
        content = path.read_bytes() if path.is_file() else b""
        if not is_our_wrapper(content):
            return Check(
                "wrapper",
                FAIL,
                f"{path} is not the pmenomssl wrapper (BILLmanager's stock module, or a panel "
                "update restored it).",
                f"{fix} --replace-stock, or install under another --name (pmenomsslpy).",
            )
        if not os.access(path, os.X_OK):
            return Check("wrapper", FAIL, f"{path} is not executable.", f"chmod 755 {path}")
        if not self.layout.venv_python.exists():
            return Check(
                "wrapper", FAIL, f"its venv python {self.layout.venv_python} is missing.", fix
            )
        return Check("wrapper", OK, f"{path} is executable and runs {self.layout.venv_python}.")

    def check_features(self, wrapper_ok: bool) -> Check:
        if not wrapper_ok:
            return Check("features", SKIP, "the wrapper is not usable.")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PMENOMSSL_", "PYTHON"))}
        try:
            proc = subprocess.run(
                [str(self.layout.wrapper), "--command", "features"],
                capture_output=True,
                timeout=120,
                cwd=str(self.layout.root),
                env=env,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return Check("features", FAIL, f"running the wrapper failed: {exc}.")
        try:
            doc = etree.fromstring(proc.stdout)
        except etree.XMLSyntaxError:
            doc = None
        if proc.returncode != 0 or doc is None or doc.find("features") is None:
            said = (proc.stdout or proc.stderr).decode("utf-8", "replace").strip()[:300]
            return Check(
                "features",
                FAIL,
                f"`{self.layout.wrapper} --command features` failed (exit {proc.returncode}): "
                f"{said or 'no output'}",
                f"read {self.layout.root}/var/{self.layout.name}.log; reinstall with "
                f"{_install_cmd(self.layout)}.",
            )
        self.state.features = doc
        return Check(
            "features",
            OK,
            f"the wrapper answers features ({len(doc.findall('features/feature'))} commands, "
            f"{len(doc.findall('templates/template'))} templates).",
        )

    def _expected(self) -> tuple[list[str], list[str], list[str]]:
        """(params, crypted params, templates) of `features`: the wrapper's answer, else the
        code's own declaration."""
        from pmenomssl.protocol.features import features_document

        doc = self.state.features
        if doc is None:
            doc = etree.fromstring(features_document(module_xml.default_handler()).to_bytes())
        # The panel's own fields (`threshold`) are declared in features but not in the form.
        panel = {p.name for p in module_xml.default_handler().params if p.panel_field}
        params = [str(p.get("name")) for p in doc.findall("params/param")]
        params = [name for name in params if name not in panel]
        crypted = [str(p.get("name")) for p in doc.findall("params/param[@crypted='yes']")]
        templates = [str(t.get("name") or t.get("id")) for t in doc.findall("templates/template")]
        return params, crypted, templates

    def check_xml(self) -> Check:
        path = self.layout.xml
        fix = f"regenerate it: {_install_cmd(self.layout)} (restarts BILLmanager)."
        if not path.is_file():
            return Check("xml", FAIL, f"{path} does not exist.", fix)
        try:
            parsed = module_xml.parse(path.read_bytes(), self.layout.name)
        except etree.XMLSyntaxError as exc:
            return Check("xml", FAIL, f"{path} is not well-formed XML: {exc}.", fix)
        params, crypted, templates = self._expected()
        problems: list[str] = []
        if parsed.plugin != self.layout.name:
            problems.append(f"its plugin is {parsed.plugin!r}, not {self.layout.name!r}")
        if list(parsed.form_fields) != params:
            problems.append(
                f"its connection form has fields {list(parsed.form_fields)}, features declares "
                f"{params}"
            )
        if sorted(parsed.password_fields) != sorted(crypted):
            problems.append(f"password fields {list(parsed.password_fields)} != crypted {crypted}")
        error_types = module_xml.error_types_for(by_handler(DEFAULT_HANDLER))
        for lang in ("ru", "en"):
            missing_t = sorted(set(templates) - parsed.template_names.get(lang, frozenset()))
            if missing_t:
                problems.append(f"no {lang} display name for templates {missing_t}")
            missing_e = sorted(error_types - parsed.error_messages.get(lang, frozenset()))
            if missing_e:
                problems.append(f"no {lang} msg_error_ for error types {missing_e}")
        if problems:
            return Check(
                "xml", FAIL, f"{path} does not match the code: {'; '.join(problems)}.", fix
            )
        return Check(
            "xml",
            OK,
            f"{path} matches the code ({len(params)} fields, {len(templates)} templates, "
            f"{len(error_types)} error types).",
        )

    # -- BILLmanager ----------------------------------------------------------------------------

    def check_mgrctl(self) -> Check:
        from pmenomssl.billing import BillingGateway, clear_caches
        from pmenomssl.errors import ModuleError

        clear_caches()
        gateway = BillingGateway(self.layout.root, mgrctl_timeout=60.0)
        self.state.gateway = gateway
        try:
            gateway.paramlist()
        except ModuleError as exc:
            return Check(
                "mgrctl",
                FAIL,
                f"{self.layout.mgrctl} paramlist failed: {exc.desc}",
                f"check that BILLmanager runs (`{self.layout.mgrctl} -m billmgr -R` restarts it).",
            )
        self.state.mgrctl_ok = True
        return Check("mgrctl", OK, f"{self.layout.mgrctl} answers.")

    def check_database(self) -> Check:
        from pmenomssl.errors import ModuleError

        gateway = self.state.gateway
        if not self.state.mgrctl_ok or gateway is None:
            return Check("database", SKIP, "mgrctl gives no database settings.")
        try:
            modules = gateway.modules_named(self.layout.name, active_only=False)
        except ModuleError as exc:
            return Check(
                "database",
                FAIL,
                exc.desc,
                "check that MySQL/MariaDB runs and that billmgr.conf DBHost/DBUser/DBPassword/"
                "DBName are right (`mgrctl -m billmgr -o xml paramlist` shows them).",
            )
        self.state.database_ok = True
        settings = gateway.db_settings()
        active = sum(1 for m in modules if m.active)
        return Check(
            "database",
            OK,
            f"{settings.describe()} answers ({len(modules)} processing module(s) named "
            f"{self.layout.name}, {active} active).",
        )

    def check_key(self) -> Check:
        from pmenomssl.billing.crypto import KeyUnavailableError, load_private_key
        from pmenomssl.errors import ModuleError

        gateway = self.state.gateway
        key_path = self.layout.root / "etc" / "billmgr.pem"
        if self.state.mgrctl_ok and gateway is not None:
            with contextlib.suppress(ModuleError):
                key_path = gateway.key_path()
        try:
            load_private_key(key_path)
        except KeyUnavailableError as exc:
            return Check(
                "crypt key",
                FAIL,
                f"{exc}.",
                "run the module (and doctor) as root, and check billmgr.conf CryptKey.",
            )
        self.state.key_ok = True
        return Check("crypt key", OK, f"{key_path} is readable.")

    def check_log(self) -> Check:
        var = self.layout.root / "var"
        path = var / f"{self.layout.name}.log"
        if path.exists():
            if not path.is_file():
                return Check("log", FAIL, f"{path} is not a regular file.", f"remove {path}")
            if os.access(path, os.W_OK):
                return Check("log", OK, f"{path} is writable.")
            return Check("log", FAIL, f"{path} is not writable.", f"chown root {path}")
        if var.is_dir() and os.access(var, os.W_OK):
            return Check("log", OK, f"{path} will be created on the first run ({var} writable).")
        return Check(
            "log",
            FAIL,
            f"{var} is missing or not writable, so the log would go to {self.layout.root}/logs.",
            f"mkdir -p {var} and run the module as root.",
        )

    # -- ENOM -------------------------------------------------------------------------------------

    def check_enom(self) -> Iterator[Check]:
        from pmenomssl.enom.errors import EnomIpNotAllowedError
        from pmenomssl.errors import ModuleError
        from pmenomssl.handlers.enomssl.settings import from_params, make_client
        from pmenomssl.handlers.sourceip import describe

        gateway = self.state.gateway
        if not self.state.database_ok or gateway is None:
            yield Check("enom", SKIP, "the database is not reachable, so no module settings.")
            return
        modules = gateway.modules_named(self.layout.name)
        if not modules:
            yield Check(
                "enom",
                SKIP,
                f"no active processing module named {self.layout.name} yet.",
                "create one: Integration > Processing modules > Create > SSL certificates.",
            )
            return
        for module in modules:
            label = f"enom #{module.id} ({module.name})"
            try:
                connection = from_params(
                    gateway.module_params(module.id), where=f"processing module {module.id}"
                )
                with make_client(
                    connection, deadline=time.monotonic() + ENOM_TIMEOUT_SECONDS
                ) as client:
                    balance = client.get_balance()
            except EnomIpNotAllowedError as exc:
                self.state.ip_problems.append((module.id, exc.ip, exc.desc))
                yield Check(
                    label,
                    FAIL,
                    f"ENOM refuses this server's IP address{f' {exc.ip}' if exc.ip else ''} "
                    f"(requests sent {describe(connection.sourceip)}).",
                    "see the `ip` line below.",
                )
                continue
            except ModuleError as exc:
                yield Check(
                    label,
                    FAIL,
                    exc.desc,
                    "correct the module's settings (Integration > Processing modules > Edit); "
                    "test them with the panel's connection check.",
                )
                continue
            self.state.enom_ok += 1
            yield Check(
                label,
                OK,
                f"{connection.url} as {connection.username} answers GetBalance "
                f"{describe(connection.sourceip)} (available {balance.available} USD).",
            )

    def check_ip(self) -> Check:
        from pmenomssl.enom.errors import LIVE_ALLOW_LIST, TEST_ALLOW_LIST

        if self.state.ip_problems:
            ips = sorted({ip for _, ip, _ in self.state.ip_problems if ip})
            modules = ", ".join(f"#{m}" for m, _, _ in self.state.ip_problems)
            seen = f"ENOM sees this server as {', '.join(ips)}" if ips else "ENOM refused the IP"
            return Check(
                "ip",
                FAIL,
                f"{seen} and does not allow it (module {modules}).",
                f"add {', '.join(ips) or 'the address ENOM quotes in the module log'} to the "
                f"ENOM account's API allow-list: live at {LIVE_ALLOW_LIST}, test environment at "
                f"{TEST_ALLOW_LIST} (a separate list).",
            )
        if self.state.enom_ok:
            return Check("ip", OK, "ENOM accepts API calls from this server's IP address.")
        return Check("ip", SKIP, "no module reached ENOM, so the IP allow-list is unknown.")

    # -- all ------------------------------------------------------------------------------------

    def run(self) -> Iterator[Check]:
        wrapper = self.check_wrapper()
        yield wrapper
        yield self.check_features(wrapper.status == OK)
        yield self.check_xml()
        yield self.check_mgrctl()
        yield self.check_database()
        yield self.check_key()
        yield self.check_log()
        yield from self.check_enom()
        yield self.check_ip()
        if self.state.gateway is not None:
            self.state.gateway.close()


def diagnose(root: Path, name: str, say: Callable[[str], None] = print) -> int:
    """Run every check, print one line each; 0 when none failed, else 1."""
    failed = False
    for check in Doctor(root, name).run():
        say(check.line())
        failed = failed or check.status == FAIL
    say("all checks passed" if not failed else "some checks FAILED: see the Fix: notes above")
    return 1 if failed else 0
