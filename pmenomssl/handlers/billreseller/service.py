"""One reselling service as the commands see it: the framework's item (pmenomssl.handlers.
service: params, module, writes that skip unchanged values), plus its addons, its item type,
the upstream client, and the upstream service it is linked to.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import UpstreamServiceMissingError
from pmenomssl.handlers.billreseller.itemtypes import ItemTypeSpec, spec_for
from pmenomssl.handlers.billreseller.settings import from_params, make_client
from pmenomssl.handlers.errors import NotOrderedError
from pmenomssl.handlers.service import Service as BaseService

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from pmenomssl.billing import Addon
    from pmenomssl.handlers.base import Context
    from pmenomssl.upstream import UpstreamClient, UpstreamService

logger = logging.getLogger(__name__)


class Service(BaseService["UpstreamClient"]):
    """The reselling service a command works on, loaded once per run."""

    module_kind = "upstream BILLmanager module"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._addons: list[Addon] | None = None
        # The local expiry as last written (the item row is read once).
        self.expiredate: date | None = self.item.expiredate

    @property
    def itemtype(self) -> str:
        return self.item.itemtype

    @property
    def spec(self) -> ItemTypeSpec:
        return spec_for(self.item.itemtype, item_id=self.id)

    @property
    def upstream_id(self) -> str:
        return self.param(P.UPSTREAM_ID)

    def addons(self) -> list[Addon]:
        if self._addons is None:
            self._addons = self.billing.addons(self.id)
        return self._addons

    # --- the upstream ---------------------------------------------------------------------

    def connect(self, module_params: Mapping[str, str], where: str) -> UpstreamClient:
        return make_client(from_params(module_params, where=where), deadline=self.ctx.deadline)

    def require_upstream_id(self, command: str) -> str:
        upstream_id = self.upstream_id
        if not upstream_id:
            raise NotOrderedError(
                f"Service {self.id} has no upstream service yet, so {command} cannot be done "
                "upstream: the order (open) has not completed. Finish the open operation first "
                "(see its error), then retry.",
                obj="item",
                value=str(self.id),
            )
        return upstream_id

    def upstream_service(self) -> UpstreamService:
        """The linked upstream service (one list read); an error when upstream has no such id."""
        upstream_id = self.require_upstream_id("this operation")
        found = self.client.find_service(self.itemtype, upstream_id)
        if found is None:
            raise UpstreamServiceMissingError(
                f"The upstream account has no {self.itemtype} service {upstream_id} (saved as "
                f"{P.UPSTREAM_ID} of service {self.id}). Check that the module still uses the "
                "upstream account that ordered it; correct the param or close the service.",
                obj=P.UPSTREAM_ID,
                value=upstream_id,
            )
        return found

    # --- writes (skipped when nothing changes) --------------------------------------------

    def set_expiredate(self, expiredate: date) -> None:
        if self.expiredate == expiredate:
            return
        self.billing.set_expiredate(self.id, expiredate)
        self.expiredate = expiredate
