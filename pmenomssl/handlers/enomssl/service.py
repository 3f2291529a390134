"""One certificate service as the commands see it: the framework's item (pmenomssl.handlers.
service: params, module, writes that skip unchanged values), plus its product and ENOM client.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl.handlers.enomssl import products
from pmenomssl.handlers.enomssl.errors import UnknownProductError
from pmenomssl.handlers.enomssl.productspec import ProductSpec
from pmenomssl.handlers.enomssl.settings import from_params, make_client
from pmenomssl.handlers.service import Service as BaseService

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pmenomssl.billing import CertificateRow
    from pmenomssl.enom import EnomClient
    from pmenomssl.handlers.base import Context


class Service(BaseService["EnomClient"]):
    """The certificate a service command works on, loaded once per run."""

    module_kind = "ENOM module"

    def __init__(self, ctx: Context, *, client: EnomClient | None = None) -> None:
        """`client`: an ENOM client to share (bulk sync); the caller keeps and closes it."""
        super().__init__(ctx, client=client)
        self._cache: products.ProductCache | None = None
        self._cache_loaded = False

    def connect(self, module_params: Mapping[str, str], where: str) -> EnomClient:
        return make_client(from_params(module_params, where=where), deadline=self.ctx.deadline)

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

    def product(self) -> ProductSpec:
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
