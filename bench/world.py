"""A world to measure in: the BILLmanager stand-in, the ENOM sandbox, and the module configured
against both; calls are counted where they arrive (ENOM calls in the sandbox, mgrctl calls in
the stand-in's journal), and each command's peak RSS is kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.process import MODULE_NAME, Run, base_env, module_argv, run_process
from pmenomssl.handlers.enomssl.operator.demo import CONTACTS
from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom import EnomSandbox

MGRCTL_READS = frozenset({"paramlist", "task.gettype"})
# The order form's contacts are the demo's sample (CONTACTS): one sample client for both.


@dataclass
class World:
    standin: StandIn
    sandbox: EnomSandbox
    module: int
    env: dict[str, str] = field(default_factory=dict)
    peak_rss_kib: dict[str, int] = field(default_factory=dict)

    @classmethod
    def create(cls, standin: StandIn, sandbox: EnomSandbox) -> World:
        module = standin.add_module(
            MODULE_NAME,
            params={"url": sandbox.url, "username": sandbox.uid},
            crypted_params={"password": sandbox.pw},
        )
        env = base_env({**standin.env(), "PMENOMSSL_DEADLINE": "120"})
        return cls(standin, sandbox, module, env)

    def run(self, *args: str, label: str | None = None, timeout: float = 600) -> Run:
        result = run_process(
            [*module_argv(), *args], env=self.env, cwd=self.standin.root, timeout=timeout
        )
        key = label or (args[1] if args and args[0] == "--command" else args[0])
        self.peak_rss_kib[key] = max(self.peak_rss_kib.get(key, 0), result.max_rss_kib)
        return result

    def command(self, command: str, item: int | None = None, *args: str) -> Run:
        argv = ["--command", command]
        if item is not None:
            argv += ["--item", str(item)]
        return self.run(*argv, *args).check()

    def reset_counts(self) -> None:
        self.sandbox.state.calls.clear()
        self.standin.clear_journal()

    def enom_calls(self) -> dict[str, int]:
        return dict(self.sandbox.calls)

    def mgrctl_calls(self) -> list[str]:
        return [str(r["func"]) for r in self.standin.journal()]

    def mgrctl_writes(self) -> list[str]:
        return [f for f in self.mgrctl_calls() if f not in MGRCTL_READS]

    def written_items(self) -> set[int]:
        """The items (elid) the mgrctl writes so far were about."""
        return {
            int(str(r["params"].get("elid", "0")))
            for r in self.standin.journal()
            if r["func"] not in MGRCTL_READS and str(r["params"].get("elid", "")).isdigit()
        }

    def order(self, domain: str, template: str = "rapidssl") -> int:
        from pmenomssl.ssl import generate_key_and_csr

        key, csr = generate_key_and_csr(domain)
        values = dict(CONTACTS, approver_email=f"admin@{domain}")
        return self.standin.add_item(
            self.module, template, params=values, csr=csr, pkey=key, period=12
        )
