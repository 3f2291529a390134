"""The gateway's writes: every one through `mgrctl … sok=ok` (billmanager-protocol.md sections
2 and 3.2), never SQL. The functions and argument forms BILLmanager does not document are
CHOICES in `pmenomssl.billing.choices`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal

from pmenomssl import log
from pmenomssl.billing import choices
from pmenomssl.billing.connection import GatewayConnection
from pmenomssl.billing.db import as_int
from pmenomssl.billing.errors import MgrctlError

logger = logging.getLogger(__name__)


class BillingWrites(GatewayConnection):
    """Service params, status, dates and outcomes; certificates; balance; staff escalation."""

    def save_param(self, item_id: int, name: str, value: str, *, crypted: bool = False) -> None:
        args = choices.saveparam_args(name, value)
        if crypted:
            log.register_secret(value)
            args["crypted"] = "on"
        self._write("service.saveparam", elid=str(item_id), **args)

    def set_status(self, item_id: int, service_status: int) -> None:
        self._write("service.setstatus", elid=str(item_id), service_status=str(service_status))

    def set_expiredate(self, item_id: int, expiredate: date) -> None:
        self._write(
            "service.setexpiredate", elid=str(item_id), expiredate=expiredate.strftime("%Y-%m-%d")
        )

    def post(self, item_id: int, operation: str) -> None:
        """`service.post<operation>`: records the outcome and ends the running operation."""
        if operation not in choices.POST_OPERATIONS:
            raise ValueError(f"unknown post operation {operation!r}")
        self._write(f"service.post{operation}", elid=str(item_id))

    def changepricelist_rollback(self, item_id: int) -> None:
        """`service.changepricelist.rollback elid=I` (section 2.2 `setparam`): undo a tariff
        change the provider could not apply (only meaningful while `item.lastpricelist` is set)."""
        self._write("service.changepricelist.rollback", elid=str(item_id))

    def certificate_open(self, item_id: int) -> None:
        self._write(choices.CERTIFICATE_OPEN_FUNC, elid=str(item_id))

    def certificate_save(self, item_id: int, crt: str) -> None:
        self._write("certificate.save", elid=str(item_id), crt=crt)

    def certificate_failed(self, item_id: int) -> None:
        self._write("certificate.failed", elid=str(item_id))

    def save_balance(
        self, module_id: int, balance: Decimal, currency: str, notify_time: datetime
    ) -> None:
        """`processing.savebalance` (section 2.3, the openprovider form)."""
        self._write(
            "processing.savebalance",
            processingmodule=str(module_id),
            balance=str(balance),
            currency=currency,
            notify_time=notify_time.strftime("%Y-%m-%d %H:%M:%S"),
        )

    # -- running operations, tasks and problems (what staff see) ---------------------------

    def runningoperation_error(self, runningoperation: int, errorxml: str) -> None:
        self._write("runningoperation.edit", elid=str(runningoperation), errorxml=errorxml)

    def runningoperation_setmanual(self, runningoperation: int) -> None:
        self._write("runningoperation.setmanual", elid=str(runningoperation))

    def task_type(self, operation: str) -> str:
        """`task.gettype operation=…` -> /doc/task_type (section 1.3); "" when BILLmanager has
        no task type for the operation (module.cpp then creates no task, see escalate())."""
        doc = self.mgrctl("task.gettype", operation=operation)
        return (doc.findtext("task_type") or "").strip()

    def tasks_of(self, runningoperation: int) -> int:
        """How many tasks BILLmanager holds for a running operation (module.cpp's
        `SELECT COUNT(*) FROM task WHERE runningoperation=…`)."""
        rows = self._query(
            "SELECT COUNT(*) AS n FROM task WHERE runningoperation = %s", runningoperation
        )
        return (as_int(rows[0]["n"]) or 0) if rows else 0

    def escalate(
        self, item_id: int, runningoperation: int, operation: str, params: str = ""
    ) -> bool:
        """Hand a running operation to staff as module.cpp does (ISPsystem's TheSSLStore
        module; settled-facts.md "Escalation", which wins over billmanager-protocol.md 1.3's
        `params=…`): nothing when a task for this running operation exists already (a
        manual re-run that fails again must not pile up tasks); otherwise mark it manual and,
        only when `task.gettype` names a task type, create the task with `params`
        (module.cpp's default is ""). Returns whether a task was created."""
        existing = self.tasks_of(runningoperation)
        if existing:
            logger.info(
                "running operation %s has %s task(s) already: no new task",
                runningoperation,
                existing,
            )
            return False
        self.runningoperation_setmanual(runningoperation)
        task_type = self.task_type(operation)
        if not task_type:
            logger.warning(
                "BILLmanager has no task type for %r: running operation %s is manual, no task",
                operation,
                runningoperation,
            )
            return False
        self.create_task(item_id, runningoperation, task_type, params=params)
        return True

    def create_task(
        self, item_id: int, runningoperation: int, task_type: str, params: str = ""
    ) -> None:
        args = {"item": str(item_id), "runningoperation": str(runningoperation), "type": task_type}
        if params:
            args["params"] = params
        self._write("task.edit", **args)

    def register_problem(self, name: str, module_id: int, module_name: str, message: str) -> None:
        """`problems.register` as module.cpp's RegisterModuleErrorProblem sends it."""
        self._write(
            "problems.register",
            name=name,
            id=str(module_id),
            param_pm_name=module_name,
            param_pm_id=str(module_id),
            param_errormsg=message,
            level="error",
        )

    def clear_problem(self, name: str, module_id: int) -> None:
        """PROBLEM_CLEAR_FUNC for the problem `problems.register` raised."""
        self._write(choices.PROBLEM_CLEAR_FUNC, name=name, id=str(module_id))

    def import_service(self, module_id: int, **fields: str) -> int:
        """`processing.import.service module=M …` (section 2.2 `import`) -> the new service id."""
        doc = self._write("processing.import.service", module=str(module_id), **fields)
        value = (doc.findtext("service_id") or "").strip()
        if not value.isdigit():
            raise MgrctlError(
                "processing.import.service did not return a service_id; see BILLmanager's "
                "billmgr.log for why the service was not imported.",
                func="processing.import.service",
            )
        return int(value)
