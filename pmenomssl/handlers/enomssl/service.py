"""One certificate service as the commands see it: the item, its params, its product, ENOM.

Writes go through `save()` / `set_status()`, which skip a write when BILLmanager already holds
the value: that is what keeps a re-run cheap and `sync_item` without change write-free.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl import products
from pmenomssl.handlers.enomssl.errors import UnknownProductError
from pmenomssl.handlers.enomssl.settings import from_params, make_client

if TYPE_CHECKING:
    from pmenomssl.billing import BillingGateway, CertificateRow, Item
    from pmenomssl.enom import EnomClient
    from pmenomssl.handlers.base import Context

logger = logging.getLogger(__name__)


class Service:
    """The item a service command works on, loaded once per run."""

    def __init__(self, ctx: Context, *, client: EnomClient | None = None) -> None:
        """`client`: an ENOM client to share (bulk sync); the caller keeps and closes it."""
        self.ctx = ctx
        self.billing: BillingGateway = ctx.billing
        self.item: Item = self.billing.item(ctx.item_id)
        if self.item.processingmodule is not None:
            ctx.module_id = self.item.processingmodule
        self.params: dict[str, str] = self.billing.item_params(self.item.id)
        self._client: EnomClient | None = client
        self._owns_client = client is None
        self._cache: products.ProductCache | None = None
        self._cache_loaded = False
        self._module_params: dict[str, str] | None = None

    @property
    def id(self) -> int:
        return self.item.id

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    # --- ENOM ----------------------------------------------------------------------------

    @property
    def module_params(self) -> dict[str, str]:
        """The processing module's params (read once; {} without a module)."""
        if self._module_params is None:
            module_id = self.item.processingmodule
            self._module_params = (
                self.billing.module_params(module_id) if module_id is not None else {}
            )
        return self._module_params

    @property
    def client(self) -> EnomClient:
        if self._client is None:
            module_id = self.item.processingmodule
            if module_id is None or not self.item.module_name:
                from pmenomssl.billing import NotFoundError

                # No module, or (the join found no row) a module that was deleted since.
                what = (
                    "no processing module"
                    if module_id is None
                    else (f"processing module {module_id}, which no longer exists")
                )
                raise NotFoundError(
                    f"Service {self.id} has {what}: choose the ENOM module for its tariff "
                    "(Products > Tariffs > Processing modules) and retry.",
                    error_type="module_not_found",
                    obj="item",
                    value=str(self.id),
                )
            connection = from_params(self.module_params, where=f"processing module {module_id}")
            self._client = make_client(connection, deadline=self.ctx.deadline)
            self._owns_client = True
        return self._client

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()
        self._client = None

    # --- product ---------------------------------------------------------------------------

    @property
    def cache_path(self) -> Path:
        return products.cache_path(self.ctx.root, self.ctx.module_name)

    @property
    def cache(self) -> products.ProductCache | None:
        if not self._cache_loaded:
            self._cache = products.load_cache(self.cache_path)
            self._cache_loaded = True
        return self._cache

    def refresh_cache(self) -> products.ProductCache:
        offered = products.offered_from_enom(self.client.get_certs())
        self._cache = products.save_cache(self.cache_path, offered)
        self._cache_loaded = True
        return self._cache

    def product(self) -> products.ProductSpec:
        name = self.item.pricelist_intname
        spec = products.find(name, self.cache)
        if spec is None:
            known = ", ".join(p.template for p in products.catalogue(self.cache))
            raise UnknownProductError(
                f"The tariff of service {self.id} has the certificate type {name!r}, which is "
                f"not an ENOM product of this module. Set the tariff's certificate type to one "
                f"of: {known}.",
                obj="pricelist",
                value=name,
            )
        return spec

    def certificate(self) -> CertificateRow | None:
        return self.billing.certificate(self.id)

    # --- writes (skipped when nothing changes) --------------------------------------------

    def save(self, name: str, value: str) -> None:
        if self.params.get(name, "") == value:
            return
        self.billing.save_param(self.id, name, value)
        self.params[name] = value

    def set_status(self, status: int) -> None:
        if self.param(P.SERVICE_STATUS) == str(status):
            return
        self.billing.set_status(self.id, status)
        self.params[P.SERVICE_STATUS] = str(status)

    def post(self, operation: str) -> None:
        self.billing.post(self.id, operation)
