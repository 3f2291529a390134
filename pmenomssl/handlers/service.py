"""One item as a service command sees it, the part every handler shares.

The item row and its params are read once per run; the processing module's params and the
provider client only when a command needs them. Writes go through `save()` and `set_status()`,
which skip a write when BILLmanager already holds the value: that keeps a re-run cheap and a
`sync_item` without change write-free. A handler subclasses `Service` for what is its own
(its product or item type, its provider's records) and says how its client is made (`connect`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pmenomssl.billing import BillingGateway, Item
    from pmenomssl.handlers.base import Context

#: The item param service.setstatus writes (read back to skip a write that changes nothing).
SERVICE_STATUS = "service_status"


class Closeable(Protocol):
    def close(self) -> None: ...


ClientT = TypeVar("ClientT", bound=Closeable)


class Service(Generic[ClientT]):
    """The item a service command works on, loaded once per run."""

    #: How refusals name the module a tariff must use, e.g. "ENOM module".
    module_kind = "processing module"

    def __init__(self, ctx: Context, *, client: ClientT | None = None) -> None:
        """`client`: a provider client to share (bulk runs); the caller keeps and closes it."""
        self.ctx = ctx
        self.billing: BillingGateway = ctx.billing
        self.item: Item = self.billing.item(ctx.item_id)
        if self.item.processingmodule is not None:
            ctx.module_id = self.item.processingmodule
        self.params: dict[str, str] = self.billing.item_params(self.item.id)
        self._module_params: dict[str, str] | None = None
        self._client: ClientT | None = client
        self._owns_client = client is None

    @property
    def id(self) -> int:
        return self.item.id

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    # --- the processing module and the provider ---------------------------------------------

    @property
    def module_id(self) -> int:
        """The item's processing module; module_not_found when it has none (any more)."""
        module_id = self.item.processingmodule
        if module_id is None or not self.item.module_name:
            from pmenomssl.billing import NotFoundError

            # No module, or (the join found no row) a module that was deleted since.
            what = (
                "no processing module"
                if module_id is None
                else f"processing module {module_id}, which no longer exists"
            )
            raise NotFoundError(
                f"Service {self.id} has {what}: choose the {self.module_kind} for its tariff "
                "(Products > Tariffs > Processing modules) and retry.",
                error_type="module_not_found",
                obj="item",
                value=str(self.id),
            )
        return module_id

    @property
    def module_params(self) -> dict[str, str]:
        """The processing module's params (read once)."""
        if self._module_params is None:
            self._module_params = self.billing.module_params(self.module_id)
        return self._module_params

    @property
    def client(self) -> ClientT:
        """The provider client of the item's module, made on first use."""
        if self._client is None:
            where = f"processing module {self.module_id}"
            self._client = self.connect(self.module_params, where)
            self._owns_client = True
        return self._client

    def connect(self, module_params: Mapping[str, str], where: str) -> ClientT:
        """A client for the module whose params these are (`where` names it in refusals)."""
        raise NotImplementedError(f"{type(self).__name__} reaches no provider")

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()
        self._client = None

    # --- writes (skipped when nothing changes) --------------------------------------------

    def save(self, name: str, value: str) -> None:
        if self.params.get(name, "") == value:
            return
        self.billing.save_param(self.id, name, value)
        self.params[name] = value

    def set_status(self, status: int) -> None:
        """The service_status BILLmanager shows (service.setstatus), skipped when unchanged."""
        if self.param(SERVICE_STATUS) == str(status):
            return
        self.billing.set_status(self.id, status)
        self.params[SERVICE_STATUS] = str(status)

    def post(self, operation: str) -> None:
        """Report a finished operation (`open`, `close`, …) to BILLmanager."""
        self.billing.post(self.id, operation)
