"""THE generator of the module description `$ROOT/etc/xml/billmgr_mod_<name>.xml`.

Built from the code, so it cannot drift from it (billmanager-protocol.md section 0):

- the plugin (group `processing_module`) with the handler's item types;
- the connection form `processing.edit.<name>`: exactly the params the handler declares in
  `features`, a crypted one as a password field;
- where the handler has one, the "add new client" form `processing.edit.<name>.createuser` with
  its outer link (the `usercreate` command appends `<outerlink>`, section 1.2);
- Russian and English messages: descriptions, every field label and hint, `msg_error_<type>`
  for every error type the module's code can raise (`error_types_for(kind)`: every layer but
  the other kinds' packages), and, where the handler sells certificate templates, a display
  name for each (`messages name="pricelist.certificate"`).

The same generator serves every kind of module (`pmenomssl.operator.kinds`); what it says comes
from the handler's own texts (`<handler package>.operator.messages`, a `PanelTexts`).
`pmenomssl install` writes it; `pmenomssl doctor` compares an installed one with the code.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

import pmenomssl
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.base import Handler, ParamSpec
from pmenomssl.operator.files import GENERATED_MARKER
from pmenomssl.operator.kinds import (
    DEFAULT_HANDLER,
    ModuleKind,
    by_handler,
    foreign_packages,
    handler_room,
)
from pmenomssl.operator.messages import LANGS, PRICE, PanelTexts, TemplateName, Text, text

PLUGIN_GROUP = "processing_module"
ITEMTYPE = "certificate"

_ERROR_TYPE_LITERAL = re.compile(r"""\berror_type\s*=\s*["']([A-Za-z0-9_]+)["']""")


def xml_path(root: Path, name: str) -> Path:
    return root / "etc" / "xml" / f"billmgr_mod_{name}.xml"


# --- what the code declares -------------------------------------------------------------------


def _import_all() -> None:
    """Import every module of the package, so that every ModuleError subclass exists."""
    for info in pkgutil.walk_packages(pmenomssl.__path__, prefix="pmenomssl."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)


def _subclasses(cls: type[ModuleError]) -> Iterable[type[ModuleError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _excluded(module: str, exclude: Sequence[str]) -> bool:
    """Whether dotted `module` is one of `exclude` or lies in one of those packages."""
    return any(module == prefix or module.startswith(prefix + ".") for prefix in exclude)


def source_error_types(package_dir: Path | None = None, exclude: Sequence[str] = ()) -> set[str]:
    """Every `error_type="…"` / `error_type = "…"` literal in the package's source (files of
    the dotted packages/modules in `exclude` left out)."""
    base = package_dir or Path(pmenomssl.__file__).resolve().parent
    found: set[str] = set()
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(base).with_suffix("").parts
        dotted = ".".join((base.name, *(p for p in parts if p != "__init__")))
        if exclude and _excluded(dotted, exclude):
            continue
        found.update(_ERROR_TYPE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def discover_error_types(exclude: Sequence[str] = ()) -> set[str]:
    """Every error type the code can raise: the `error_type` of ModuleError and of each of its
    subclasses (all modules imported), plus every `error_type="…"` literal in the source;
    without the packages/modules named in `exclude`."""
    _import_all()
    found = {ModuleError.error_type}
    found.update(
        str(cls.error_type)
        for cls in _subclasses(ModuleError)
        if cls.__module__.split(".")[0] == "pmenomssl"  # not tests' own subclasses
        and not _excluded(cls.__module__, exclude)
    )
    found.update(source_error_types(exclude=exclude))
    return found


def error_types_for(kind: ModuleKind) -> set[str]:
    """The error types a module of `kind` can answer with: every layer's but those of the
    other kinds' own packages (the ENOM module never raises `upstream_*`, and the reseller
    never `enom_*`)."""
    return discover_error_types(exclude=foreign_packages(kind))


def panel_texts(kind: ModuleKind) -> PanelTexts:
    """The texts of `kind`'s handler (`<handler package>.operator.messages`)."""
    texts = getattr(handler_room(kind.handler, "messages"), "TEXTS", None)
    if not isinstance(texts, PanelTexts):
        raise TypeError(f"The handler {kind.handler} declares no PanelTexts (TEXTS).")
    return texts


def default_handler(kind: ModuleKind | None = None) -> Handler:
    """The handler of `kind` (the package's own executable's by default)."""
    from pmenomssl.handlers import load_handler

    return load_handler(kind.handler if kind is not None else DEFAULT_HANDLER)


# --- the document ------------------------------------------------------------------------------


def _field_input(param: ParamSpec, texts: PanelTexts) -> etree._Element:
    if param.select:  # GlobalSign's `<select name="sourceip"/>`, filled by tune_connection
        return etree.Element("select", name=param.name)
    if param.crypted:
        return etree.Element("input", type="password", name=param.name, required="yes")
    attributes = {"type": "text", "name": param.name}
    if param.name == "url":
        attributes["check"] = "url"
    if param.name not in texts.optional_fields:
        attributes["required"] = "yes"
    return etree.Element("input", attributes)


def form_params(handler: Handler) -> list[ParamSpec]:
    """The params the module's connection form shows: not those of the panel's own form."""
    return [param for param in handler.params if not param.panel_field]


def _msg(parent: etree._Element, name: str, content: str) -> None:
    etree.SubElement(parent, "msg", name=name).text = content


def _head(
    name: str, kind: ModuleKind, handler: Handler, texts: PanelTexts
) -> tuple[etree._Element, str]:
    """The `<mgrdata>` with what every kind has first: the marker comment, the plugin and its
    item types, and the connection form (exactly the handler's params); and the form's name."""
    doc = etree.Element("mgrdata")
    doc.append(
        etree.Comment(
            f" {GENERATED_MARKER} {pmenomssl.__version__}: regenerate with `{kind.command} "
            "install` rather than editing (an edited copy is backed up when it is replaced) "
        )
    )
    plugin = etree.SubElement(doc, "plugin", name=name)
    etree.SubElement(plugin, "group").text = PLUGIN_GROUP
    etree.SubElement(plugin, "author").text = "pmenomssl"
    params = etree.SubElement(plugin, "params")
    for itemtype in handler.itemtypes:
        etree.SubElement(params, "type", name=itemtype)

    form_name = f"processing.edit.{name}"
    metadata = etree.SubElement(doc, "metadata", name=form_name, type="form")
    # `title="name"`: the form's title is the module's name, as ISP's own module XMLs have it.
    form = etree.SubElement(metadata, "form", title="name")
    page = etree.SubElement(form, "page", name="connect")
    for param in form_params(handler):
        field = etree.SubElement(page, "field", name=param.name)
        field.append(_field_input(param, texts))
    if texts.createuser_link is not None:
        createuser = etree.SubElement(doc, "metadata", name=f"{form_name}.createuser", type="form")
        cpage = etree.SubElement(etree.SubElement(createuser, "form"), "page", name="createuser")
        link_field = etree.SubElement(cpage, "field", name="outerlink")
        etree.SubElement(link_field, "link", name="outerlink", target="_blank")
    return doc, form_name


def _lang(doc: etree._Element, name: str, lang: str, texts: PanelTexts) -> etree._Element:
    """A new `<lang>` of `doc` with the plugin's descriptions and price, and its label in the
    list of processing modules."""
    node = etree.SubElement(doc, "lang", name=lang)
    plugin_msgs = etree.SubElement(node, "messages", name="plugin")
    _msg(plugin_msgs, f"desc_short_{name}", text(texts.desc_short, lang))
    _msg(plugin_msgs, f"desc_full_{name}", text(texts.desc_full, lang))
    _msg(plugin_msgs, f"price_{name}", text(PRICE, lang))
    labels = etree.SubElement(node, "messages", name="label_processing_modules")
    _msg(labels, name, text(texts.desc_short, lang))
    _msg(labels, f"module_{name}", text(texts.desc_short, lang))
    return node


def _form_messages(
    node: etree._Element, form_name: str, lang: str, handler: Handler, texts: PanelTexts
) -> None:
    """Each connection-form field's label, and its hint and placeholder where it has them."""
    form_msgs = etree.SubElement(node, "messages", name=form_name)
    for param in form_params(handler):
        label: Text = texts.field_labels.get(param.name, {})
        hint: Text = texts.field_hints.get(param.name, {})
        _msg(form_msgs, param.name, text(label, lang) if label else param.name)
        if hint:
            _msg(form_msgs, f"hint_{param.name}", text(hint, lang))
        placeholder = texts.field_placeholders.get(param.name)
        if placeholder:
            _msg(form_msgs, f"placeholder_{param.name}", placeholder)
    if texts.createuser_link is not None:
        create_msgs = etree.SubElement(node, "messages", name=f"{form_name}.createuser")
        _msg(create_msgs, "outerlink", text(texts.createuser_link, lang))
        _msg(create_msgs, "link", text(texts.createuser_link, lang))


def build(
    name: str,
    *,
    root: Path,
    handler: Handler | None = None,
    error_types: Iterable[str] | None = None,
    templates: Sequence[TemplateName] | None = None,
    kind: ModuleKind | None = None,
) -> etree._Element:
    """The `<mgrdata>` element of `billmgr_mod_<name>.xml` (the package's own kind by default)."""
    kind = kind or by_handler(DEFAULT_HANDLER)
    texts = panel_texts(kind)
    handler = handler or default_handler(kind)
    types = sorted(set(error_types) if error_types is not None else error_types_for(kind))
    names: Sequence[TemplateName] | None = templates
    if names is None and texts.certificate_names is not None:
        names = texts.certificate_names(root, name)

    doc, form_name = _head(name, kind, handler, texts)
    for lang in LANGS:
        node = _lang(doc, name, lang, texts)
        _form_messages(node, form_name, lang, handler, texts)
        errors = etree.SubElement(node, "messages", name="msgerror")
        for error_type in types:
            table = texts.errors.get(error_type, texts.fallback_error)
            _msg(errors, f"msg_error_{error_type}", text(table, lang))
        if names is not None:
            certs = etree.SubElement(node, "messages", name="pricelist.certificate")
            for entry in names:
                _msg(certs, entry.template, text(entry.titles, lang))
    return doc


def render(
    name: str, *, root: Path, handler: Handler | None = None, kind: ModuleKind | None = None
) -> bytes:
    """The file's bytes (UTF-8, pretty-printed, with the XML declaration)."""
    doc = build(name, root=root, handler=handler, kind=kind)
    etree.indent(doc, space="  ")
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def is_generated(content: bytes) -> bool:
    """A file `pmenomssl install` wrote (its marker comment near the top)."""
    return GENERATED_MARKER.encode() in content[:1000]


# --- reading one back (doctor, tests) -----------------------------------------------------------


@dataclass(frozen=True)
class ModuleXml:
    """What an installed description declares."""

    plugin: str
    form_fields: tuple[str, ...]
    password_fields: tuple[str, ...]
    error_messages: dict[str, frozenset[str]]  # lang -> error types with a msg_error_
    template_names: dict[str, frozenset[str]]  # lang -> templates with a display name


def parse(content: bytes, name: str) -> ModuleXml:
    """Parse an installed `billmgr_mod_<name>.xml` (raises etree.XMLSyntaxError)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.fromstring(content, parser)
    plugin = doc.find("plugin")
    form = f"processing.edit.{name}"
    inputs: list[etree._Element] = []
    for metadata in doc.findall("metadata"):
        if metadata.get("name") == form:
            inputs.extend(metadata.iterfind(".//field/*"))
    errors: dict[str, frozenset[str]] = {}
    certs: dict[str, frozenset[str]] = {}
    for lang in doc.findall("lang"):
        code = lang.get("name", "")
        error_names: set[str] = set()
        cert_names: set[str] = set()
        for group in lang.findall("messages"):
            for msg in group.findall("msg"):
                key, text = msg.get("name", ""), (msg.text or "").strip()
                if not text:
                    continue
                if group.get("name") == "msgerror" and key.startswith("msg_error_"):
                    error_names.add(key[len("msg_error_") :])
                elif group.get("name") == "pricelist.certificate":
                    cert_names.add(key)
        errors[code] = frozenset(error_names)
        certs[code] = frozenset(cert_names)
    return ModuleXml(
        plugin=plugin.get("name", "") if plugin is not None else "",
        form_fields=tuple(str(i.get("name", "")) for i in inputs),
        password_fields=tuple(
            str(i.get("name", "")) for i in inputs if i.get("type") == "password"
        ),
        error_messages=errors,
        template_names=certs,
    )
