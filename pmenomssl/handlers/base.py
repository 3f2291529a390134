"""The contract between the protocol layer and a handler (one per kind of module).

A handler declares what BILLmanager's `features` command reports (item types, connection
params, templates) and implements one `command_<name>` method per command it supports; the
protocol layer dispatches to them and builds `features` from exactly that set of methods.
"""

from __future__ import annotations

import sys
import time

from pmenomssl.protocol.args import Invocation
from pmenomssl.records import TYPE_CHECKING, field, record

if TYPE_CHECKING:  # collections.abc and pathlib cost start-up time (issue 16): annotations only
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path
    from typing import Optional, Union

    from lxml import etree

    from pmenomssl.billing import BillingGateway
    from pmenomssl.protocol.xmlwriter import Element

    # What a command returns: nothing, a document (lxml's, or the minimal writer's for the
    # small documents asked for at every panel start), or ready bytes.
    Output = Optional[Union[etree._Element, Element, bytes]]
else:  # only ever used in annotations; neither typing nor lxml is imported at run time
    Output = object

COMMAND_PREFIX = "command_"


@record(frozen=True)
class ParamSpec:
    """A connection-form field BILLmanager stores for the module."""

    name: str
    crypted: bool = False
    # BILLmanager's own processing-module form has this field (`threshold`): declared in
    # `features` only, never again in the module XML's form.
    panel_field: bool = False
    # A `<select>` whose choices the handler's `tune_connection` fills in (`sourceip`).
    select: bool = False


@record(frozen=True)
class TemplateSpec:
    """A certificate template (tariff type); `attributes` become XML attributes (`yes` flags)."""

    name: str
    attributes: Mapping[str, str] = field(default_factory=dict)


class Context:
    """What a command gets: its arguments, its stdin document, and BILLmanager's gateway."""

    def __init__(
        self,
        invocation: Invocation,
        *,
        module_name: str,
        root: Path | None = None,
        document: etree._Element | None = None,
        billing_factory: Callable[[], BillingGateway] | None = None,
        deadline: float | None = None,
    ) -> None:
        self.args = invocation
        # time.monotonic() after which the command must not start new provider calls.
        self.deadline = deadline if deadline is not None else time.monotonic() + 300.0
        self.module_name = module_name
        self._root = root
        self.document = document
        self._billing_factory = billing_factory
        self._billing: BillingGateway | None = None
        # The processing module a command works for, once known (for BILLmanager's error report).
        self.module_id: int | None = invocation.module

    @property
    def root(self) -> Path:
        """BILLmanager's root (`config.mgr_root()` unless given): made on first use, as
        `approver` needs no path and `pathlib` costs it start-up time (issue 16)."""
        if self._root is None:
            from pmenomssl import config

            self._root = config.mgr_root()
        return self._root

    @property
    def billing(self) -> BillingGateway:
        """The billing gateway, created on first use so that commands that need no database
        (features, approver) never import the database driver."""
        if self._billing is None:
            if self._billing_factory is None:
                from pmenomssl.billing import BillingGateway

                self._billing = BillingGateway(self.root, deadline=self.deadline)
            else:
                self._billing = self._billing_factory()
        return self._billing

    @property
    def billing_started(self) -> bool:
        return self._billing is not None

    @property
    def item_id(self) -> int:
        assert self.args.item is not None  # the protocol layer refused the call otherwise
        return self.args.item


class Handler:
    """Base of every handler; subclasses set the declarations and name their commands.

    A command is a `command_<name>` method, or an entry of `service_commands` or
    `module_commands`: "module:function" of the function that does the work, imported only
    when the command runs (`features` and `approver` run at every panel start, issue 16).
    """

    itemtypes: Sequence[str] = ()
    params: Sequence[ParamSpec] = ()
    # How many times BILLmanager may re-run a failing command before it becomes a manual task.
    max_tries: Mapping[str, int] = {}
    # Commands on one item: `function(service)`, the service an instance of `service_class`
    # ("module:Class", a pmenomssl.handlers.service.Service), closed when the command ends.
    service_commands: Mapping[str, str] = {}
    service_class = "pmenomssl.handlers.service:Service"
    # Commands on the module: `function(ctx)` returns the command's output.
    module_commands: Mapping[str, str] = {}

    def templates(self) -> Sequence[TemplateSpec]:
        return ()

    def features_inputs(self) -> Sequence[str]:
        """The data files `features` is computed from besides the code (a prepared copy of
        the document is stale once one of them changes: pmenomssl.protocol.prepared)."""
        return ()

    def secret_params(self) -> frozenset[str]:
        return frozenset(p.name for p in self.params if p.crypted)

    @classmethod
    def commands(cls) -> list[str]:
        """The commands this handler implements, which is exactly its feature list."""
        methods = {
            name[len(COMMAND_PREFIX) :]
            for name in dir(cls)
            if name.startswith(COMMAND_PREFIX) and callable(getattr(cls, name))
        }
        return sorted(methods.union(cls.service_commands, cls.module_commands))

    def method_for(self, command: str) -> Callable[[Context], Output] | None:
        method: Callable[[Context], Output] | None = getattr(self, COMMAND_PREFIX + command, None)
        if callable(method):
            return method
        if command in self.service_commands:
            target = self.service_commands[command]
            return lambda ctx: self.run_on_service(ctx, target)
        if command in self.module_commands:
            target = self.module_commands[command]
            return lambda ctx: self.run_on_module(ctx, target)
        return None

    def run_on_service(self, ctx: Context, target: str) -> Output:
        """`target(service)` on the item the command is for; the service is closed after."""
        from pmenomssl.handlers.service import Service

        service_class, work = load_object(self.service_class), load_object(target)
        assert callable(service_class) and callable(work)
        service = service_class(ctx)
        assert isinstance(service, Service)
        try:
            work(service)
        finally:
            service.close()
        return None

    def run_on_module(self, ctx: Context, target: str) -> Output:
        """`target(ctx)`, whose result is the command's output."""
        from typing import cast  # never on the start-up path: approver is a method

        work = load_object(target)
        assert callable(work)
        return cast("Output", work(ctx))


def load_object(target: str) -> object:
    """What `module:attr.sub` names (the entry-point value syntax), imported now."""
    module_name, _, attribute = target.partition(":")
    module_name = module_name.strip()
    __import__(module_name)  # importlib itself costs start-up time (issue 16)
    obj: object = sys.modules[module_name]
    for part in filter(None, attribute.strip().split(".")):
        obj = getattr(obj, part)
    return obj
