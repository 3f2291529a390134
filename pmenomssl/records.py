"""`@record()`: the part of `dataclasses.dataclass` the start-up path uses, without its imports.

BILLmanager starts the module as a new process for every command, and `features` and
`approver` run all the time. Importing `dataclasses` (which pulls in `inspect`, `ast`, `dis`,
`tokenize`, `copy`) costs more than the bare interpreter's whole start: `python -m bench`'s
stand-in row measured `-X importtime` 12.4 ms for `import dataclasses` against 0.4 ms for
this module (2026-12-04, 2-core AMD EPYC, CPython 3.11, a loaded machine; the bare
interpreter starts in about 9 ms there). So the modules they import declare their value types
with `record` instead:

    @record(frozen=True)
    class ParamSpec:
        name: str
        crypted: bool = False
        extra: list[str] = field(default_factory=list)

Supported: fields from annotations in order (inherited fields of record bases first),
defaults, `field(default_factory=...)`, positional or keyword construction, `frozen=True`
(assignment raises `FrozenInstanceError`), `__repr__`, `__eq__`, `__hash__` (frozen records are
hashable), and methods the class defines itself are kept. `fields(obj)` lists field names.
For mypy this is a dataclass (PEP 681 `dataclass_transform`). Code that is not on the start-up
path keeps using `dataclasses`.

`TYPE_CHECKING = False` is typing.TYPE_CHECKING without importing typing: mypy treats any name
`TYPE_CHECKING` as true.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from typing_extensions import dataclass_transform

    T = TypeVar("T")

    def field(*, default_factory: Callable[[], T]) -> T:
        """A field whose default is made by `default_factory` for every instance."""
        ...

else:

    def dataclass_transform(**_kwargs):
        return lambda function: function

    def field(*, default_factory):
        """A field whose default is made by `default_factory` for every instance."""
        return _Factory(default_factory)


_MISSING = object()
FIELDS_ATTRIBUTE = "__record_fields__"


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make


def fields(obj: object) -> tuple[str, ...]:
    """The field names of a record class or instance, in declaration order."""
    names: tuple[str, ...] = getattr(obj, FIELDS_ATTRIBUTE)
    return names


def _is_class_var(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return str(text).replace("typing.", "").startswith("ClassVar")


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r} of a frozen record")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r} of a frozen record")


@dataclass_transform(field_specifiers=(field,))
def record(*, frozen: bool = False) -> Callable[[type[T]], type[T]]:
    """Make a class a record (see the module docstring)."""

    def wrap(cls: type[T]) -> type[T]:
        names: list[str] = []
        defaults: dict[str, object] = {}
        for base in reversed(cls.__mro__[1:]):
            for name in getattr(base, FIELDS_ATTRIBUTE, ()):
                if name not in names:
                    names.append(name)
                defaults.update(getattr(base, "__record_defaults__", {}))
        own = cls.__dict__.get("__annotations__")  # noqa: RUF063 (inspect is what we avoid)
        if own is None and sys.version_info >= (3, 10):  # 3.14+ computes them on access
            own = getattr(cls, "__annotations__", None)
        for name, annotation in (own or {}).items():
            if _is_class_var(annotation):
                continue
            if name not in names:
                names.append(name)
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
                if isinstance(defaults[name], _Factory):
                    delattr(cls, name)  # a class attribute would hide nothing, but mislead
            else:
                defaults.pop(name, None)
        seen_default = False
        for name in names:
            if name in defaults:
                seen_default = True
            elif seen_default:
                raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one")
        order = tuple(names)

        def __init__(self: Any, *args: object, **kwargs: object) -> None:
            if len(args) > len(order):
                raise TypeError(
                    f"{cls.__name__}() takes {len(order)} positional arguments, {len(args)} given"
                )
            values = dict(zip(order, args))
            for key, value in kwargs.items():
                if key not in order:
                    raise TypeError(f"{cls.__name__}() got an unexpected argument {key!r}")
                if key in values:
                    raise TypeError(f"{cls.__name__}() got multiple values for {key!r}")
                values[key] = value
            for key in order:
                if key in values:
                    value = values[key]
                else:
                    default = defaults.get(key, _MISSING)
                    if default is _MISSING:
                        raise TypeError(f"{cls.__name__}() missing argument {key!r}")
                    value = default.make() if isinstance(default, _Factory) else default
                object.__setattr__(self, key, value)
            post_init = getattr(self, "__post_init__", None)
            if post_init is not None:
                post_init()

        def __repr__(self: Any) -> str:
            shown = ", ".join(f"{key}={getattr(self, key)!r}" for key in order)
            return f"{type(self).__qualname__}({shown})"

        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is not self.__class__:
                return NotImplemented
            return all(getattr(self, key) == getattr(other, key) for key in order)

        def __hash__(self: Any) -> int:
            return hash(tuple(getattr(self, key) for key in order))

        methods: dict[str, object] = {
            "__init__": __init__,
            "__repr__": __repr__,
            "__eq__": __eq__,
            "__hash__": __hash__ if frozen else None,
        }
        for name, method in methods.items():
            if name not in cls.__dict__ or (name == "__hash__" and cls.__dict__[name] is None):
                setattr(cls, name, method)
        if frozen:
            setattr(cls, "__setattr__", _frozen_setattr)  # noqa: B010
            setattr(cls, "__delattr__", _frozen_delattr)  # noqa: B010
        setattr(cls, FIELDS_ATTRIBUTE, order)
        setattr(cls, "__record_defaults__", dict(defaults))  # noqa: B010
        setattr(cls, "__match_args__", order)  # noqa: B010
        return cls

    return wrap
