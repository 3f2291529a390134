"""Certificate templates for the upstream's certificate tariffs (issue 14, point 8).

A BILLmanager certificate tariff's "Certificate type" can only be one of the processing module's
templates (`features`), so `pmbillreseller` declares one template per upstream certificate
tariff. `features` runs at every panel start and must not call the upstream: the tariffs are
cached, like the ENOM product list, in `$ROOT/var/<module name>.certificate_tariffs.json` and
refreshed by `pmbillreseller tariffs --refresh` (one entry per upstream URL; the templates are
the union, since one executable serves every pmbillreseller processing module).

Template name: `upstream_<tariff id>`, so staff see which upstream tariff a type is; the order
itself still goes by the local tariff's internal name (= the upstream tariff id, order.py).
Flags: `authemail` only. Every certificate order sends the approver address (order.py), and
BILLmanager then asks `approver` for the choices; whether an upstream tariff is multi-domain,
wildcard or needs organisation data no source shows in the price list (UNCONFIRMED), so no such
flag is claimed.

Only the standard library here: `features` imports this at every panel start.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

from pmenomssl.handlers import cachefile
from pmenomssl.handlers.base import TemplateSpec

logger = logging.getLogger(__name__)

CACHE_SUFFIX = ".certificate_tariffs.json"
TEMPLATE_PREFIX = "upstream_"
TEMPLATE_FLAGS: Mapping[str, str] = {"authemail": "yes"}


def cache_path(root: Path, module_name: str) -> Path:
    return cachefile.cache_path(root, module_name, CACHE_SUFFIX)


def template_name(tariff_id: str) -> str:
    return f"{TEMPLATE_PREFIX}{tariff_id}"


def load(path: Path) -> dict[str, dict[str, str]]:
    """{upstream URL: {tariff id: title}}; empty when there is no cache or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            str(url): {str(k): str(v) for k, v in tariffs.items()}
            for url, tariffs in data["upstreams"].items()
        }
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.warning("ignoring the unreadable certificate tariff cache %s: %s", path, exc)
        return {}


def save(path: Path, url: str, tariffs: Iterable[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Replace the entry of `url` with `tariffs` ((id, title) pairs); atomic, so a concurrent
    `features` never reads half a file. Returns the whole cache."""
    upstreams = load(path)
    upstreams[url] = {tariff_id: title for tariff_id, title in tariffs}
    cachefile.write_json(path, {"upstreams": upstreams}, sort_keys=True)
    return upstreams


def declared(upstreams: Mapping[str, Mapping[str, str]]) -> list[TemplateSpec]:
    """One template per cached upstream certificate tariff id, in id order."""
    ids = sorted({t for tariffs in upstreams.values() for t in tariffs}, key=_id_order)
    return [TemplateSpec(template_name(t), dict(TEMPLATE_FLAGS)) for t in ids]


def _id_order(tariff_id: str) -> tuple[int, str]:
    return (int(tariff_id), "") if tariff_id.isdigit() else (1 << 62, tariff_id)
