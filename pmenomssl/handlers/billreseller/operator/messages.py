"""The BILLmanager reseller module's texts of its description XML, in Russian and English
(`TEXTS`).

`pmenomssl.operator.module_xml` builds `billmgr_mod_<name>.xml` from these tables, the shared
ones of `pmenomssl.operator.messages` and the reseller handler's declarations.
"""

# Russian texts: the Cyrillic letters ruff finds ambiguous are meant.
# ruff: noqa: RUF001
from __future__ import annotations

from collections.abc import Mapping

from pmenomssl.operator.messages import (
    COMMON_ERRORS,
    COMMON_FIELD_LABELS,
    PanelTexts,
    Text,
    module_named_errors,
)

DESC_SHORT: Text = {"ru": "Реселлинг BILLmanager", "en": "BILLmanager reseller"}
DESC_FULL: Text = {
    "ru": (
        "Перепродажа услуг другого (вышестоящего) BILLmanager через его клиентский API: "
        "SSL-сертификаты, лицензии ПО, виртуальный хостинг, VDS и выделенные серверы. Заказ, "
        "продление, изменение дополнений, приостановка, удаление и импорт услуг."
    ),
    "en": (
        "Resell the services of another (upstream) BILLmanager through its client API: SSL "
        "certificates, software licences, shared hosting, VDS and dedicated servers. Order, "
        "renew, change addons, suspend, delete and import services."
    ),
}

FIELD_LABELS: Mapping[str, Text] = {
    "url": {"ru": "URL вышестоящего BILLmanager", "en": "Upstream BILLmanager URL"},
    "username": {"ru": "Логин", "en": "Username"},
    "password": {"ru": "Пароль", "en": "Password"},
    **COMMON_FIELD_LABELS,
}
FIELD_HINTS: Mapping[str, Text] = {
    "url": {
        "ru": (
            "Полный адрес API вышестоящего BILLmanager, например https://my.example.com/billmgr "
            "или https://my.example.com:1500/billmgr (если путь не оканчивается на /billmgr, "
            "он добавляется). Только https."
        ),
        "en": (
            "The full API address of the upstream BILLmanager, e.g. "
            "https://my.example.com/billmgr or https://my.example.com:1500/billmgr (/billmgr "
            "is appended when the path does not end with it). https only."
        ),
    },
    "username": {
        "ru": (
            "Клиентская учётная запись у вышестоящего провайдера (уровень «Клиент», с правом "
            "останавливать и удалять услуги). Отдельная учётная запись для каждого биллинга, "
            "который перепродаёт услуги."
        ),
        "en": (
            "A client account at the upstream provider (Customer level, allowed to stop and "
            "delete services). One account per reselling billing."
        ),
    },
    "password": {
        "ru": (
            "Пароль этой учётной записи; хранится в BILLmanager в зашифрованном виде. "
            "Двухфакторная аутентификация на ней должна быть выключена, а IP-адрес этого "
            "сервера разрешён, если доступ ограничен по IP."
        ),
        "en": (
            "That account's password; BILLmanager keeps it encrypted. The account must not use "
            "two-factor authentication, and this server's IP address must be allowed if access "
            "is restricted by IP."
        ),
    },
    "sourceip": {
        "ru": (
            "IP-адрес этого сервера, с которого отправляются запросы к вышестоящему BILLmanager "
            "(если доступ ограничен по IP, он должен быть разрешён). Пусто: адрес по умолчанию."
        ),
        "en": (
            "The address of this server that requests to the upstream BILLmanager leave from "
            "(it must be allowed if access is restricted by IP). Empty: the default address."
        ),
    },
}
FIELD_PLACEHOLDERS: Mapping[str, str] = {"url": "https://my.example.com/billmgr"}

MODULE_NAMED_ERRORS = module_named_errors(
    {"ru": "реселлинга BILLmanager", "en": "BILLmanager reseller"}, "pmbillreseller"
)

#: This module's wording of its own error types (pmenomssl.upstream.errors and
#: pmenomssl.handlers.billreseller.errors), and of the types every module raises whose text
#: names the module (the rest come from COMMON_ERRORS).
OVERRIDES: Mapping[str, Text] = {
    "upstream_error": {
        "ru": (
            "Вышестоящий BILLmanager отклонил запрос. Его тип ошибки и текст есть в журнале "
            "модуля; причину ищите в журнале вышестоящего BILLmanager."
        ),
        "en": (
            "The upstream BILLmanager refused the request. Its error type and message are in "
            "the module's log; look for the cause in the upstream BILLmanager's log."
        ),
    },
    "upstream_auth": {
        "ru": (
            "Вышестоящий BILLmanager не принял логин или пароль. Проверьте их в настройках "
            "модуля обработки (войдите с ними в клиентскую панель вышестоящего провайдера)."
        ),
        "en": (
            "The upstream BILLmanager rejected the username or password. Check them in the "
            "processing module's settings (log in to the upstream's client panel with them)."
        ),
    },
    "upstream_ip_restricted": {
        "ru": (
            "Учётная запись у вышестоящего провайдера не принимает вход по API с IP-адреса "
            "этого сервера. Разрешите этот адрес в её настройках доступа или снимите "
            "ограничение."
        ),
        "en": (
            "The upstream account does not accept API logins from this server's IP address. "
            "Allow the address in the account's access settings, or lift the restriction."
        ),
    },
    "upstream_two_factor": {
        "ru": (
            "На учётной записи у вышестоящего провайдера включена двухфакторная "
            "аутентификация, она блокирует доступ по API. Используйте учётную запись без неё."
        ),
        "en": (
            "Two-factor authentication on the upstream account blocks API access. Use an "
            "account without it."
        ),
    },
    "upstream_access_denied": {
        "ru": (
            "Учётной записи у вышестоящего провайдера это не разрешено. Нужен уровень «Клиент» "
            "с правом заказывать, останавливать и удалять услуги."
        ),
        "en": (
            "The upstream account is not allowed to do this. It must be at Customer level and "
            "allowed to order, stop and delete services."
        ),
    },
    "upstream_insufficient_funds": {
        "ru": (
            "Недостаточно средств на балансе у вышестоящего провайдера (или баланс ниже "
            "минимального баланса модуля). Пополните баланс; ничего не оплачено."
        ),
        "en": (
            "The upstream account's balance is too low (or below the module's minimal "
            "balance). Top it up; nothing was charged."
        ),
    },
    "upstream_not_billmanager": {
        "ru": (
            "По указанному URL отвечает не API BILLmanager. Укажите адрес вида "
            "https://my.example.com/billmgr в настройках модуля обработки."
        ),
        "en": (
            "The URL does not answer as a BILLmanager API. Enter an address like "
            "https://my.example.com/billmgr in the processing module's settings."
        ),
    },
    "upstream_bad_url": {
        "ru": (
            "URL вышестоящего BILLmanager непригоден: нужен полный адрес https:// (http только "
            "для локального адреса)."
        ),
        "en": (
            "The upstream BILLmanager URL cannot be used: enter the full https:// address "
            "(plain http only on the loopback interface)."
        ),
    },
    "upstream_unreachable": {
        "ru": (
            "Нет связи с вышестоящим BILLmanager (сеть, DNS, межсетевой экран, TLS). Запрос "
            "не отправлен; операция будет повторена."
        ),
        "en": (
            "The upstream BILLmanager could not be reached (network, DNS, firewall, TLS). "
            "Nothing was sent; the operation will be repeated."
        ),
    },
    "upstream_bad_response": {
        "ru": "Вышестоящий BILLmanager не дал полного ответа. Повторите позже.",
        "en": "The upstream BILLmanager gave no complete answer. Try again later.",
    },
    "upstream_outcome_unknown": {
        "ru": (
            "Ответ вышестоящего BILLmanager потерян: операция могла выполниться. Она не "
            "повторялась, чтобы не заплатить дважды; повторный запуск сверяется с вышестоящим "
            "биллингом."
        ),
        "en": (
            "The upstream BILLmanager's answer was lost: the operation may have been carried "
            "out. It was not repeated, to avoid paying twice; a re-run reconciles with the "
            "upstream first."
        ),
    },
    "unknown_tariff": {
        "ru": (
            "Внутреннее имя тарифа (или дополнения) не является кодом тарифа (дополнения) "
            "вышестоящего BILLmanager. Список кодов: pmbillreseller tariffs."
        ),
        "en": (
            "The tariff's (or addon's) internal name is not an upstream tariff (addon) id. "
            "`pmbillreseller tariffs` lists them."
        ),
    },
    "period_not_available": {
        "ru": (
            "У тарифа вышестоящего BILLmanager нет такого периода. Ничего не заказано; "
            "уберите период из локального тарифа."
        ),
        "en": (
            "The upstream tariff has no such period. Nothing was ordered; remove the period "
            "from the local tariff."
        ),
    },
    "order_ambiguous": {
        "ru": (
            "После потерянного ответа на заказ у вышестоящего провайдера найдено несколько "
            "подходящих услуг. Ничего не заказано повторно; выберите услугу вручную (номера "
            "в журнале модуля)."
        ),
        "en": (
            "After a lost order answer several upstream services could be this one. Nothing "
            "was ordered again; pick the service by hand (the ids are in the module's log)."
        ),
    },
    "upstream_service_missing": {
        "ru": (
            "Сохранённой услуги нет в учётной записи вышестоящего провайдера. Проверьте, что "
            "модуль подключён к той же учётной записи."
        ),
        "en": (
            "The saved upstream service is not in the upstream account. Check that the module "
            "uses the same account."
        ),
    },
    "invalid_order_data": {
        "ru": (
            "Для заказа не хватает данных, которые нужны вышестоящему BILLmanager (дата-центр; "
            "для сертификата: CSR, страна, контакты). Ничего не заказано."
        ),
        "en": (
            "The order lacks data the upstream BILLmanager needs (a data centre; for a "
            "certificate: the CSR, its country, contacts). Nothing was ordered."
        ),
    },
    "tariff_change_unsupported": {
        "ru": (
            "Смену тарифа не удалось подтвердить у вышестоящего провайдера; она отменена. "
            "Проверьте услугу у вышестоящего провайдера."
        ),
        "en": (
            "The tariff change could not be confirmed upstream; it was rolled back. Check the "
            "service with the upstream provider."
        ),
    },
    **MODULE_NAMED_ERRORS,
    "invalid_connection": {
        "ru": (
            "Настройки подключения к вышестоящему BILLmanager неполны или неверны: заполните "
            "URL, логин и пароль модуля обработки."
        ),
        "en": (
            "The upstream BILLmanager connection settings are incomplete or wrong: fill in the "
            "processing module's URL, username and password."
        ),
    },
    "not_ordered": {
        "ru": "У услуги ещё нет услуги у вышестоящего провайдера: заказ (open) не завершён.",
        "en": "The service has no upstream service yet: the order (open) has not completed.",
    },
}

ERRORS: Mapping[str, Text] = {**COMMON_ERRORS, **OVERRIDES}

FALLBACK_ERROR: Text = MODULE_NAMED_ERRORS["module_error"]

TEXTS = PanelTexts(
    desc_short=DESC_SHORT,
    desc_full=DESC_FULL,
    field_labels=FIELD_LABELS,
    field_hints=FIELD_HINTS,
    field_placeholders=FIELD_PLACEHOLDERS,
    errors=ERRORS,
    fallback_error=FALLBACK_ERROR,
)
