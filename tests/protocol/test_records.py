"""`pmenomssl.records.record`: the dataclass subset the start-up path uses."""

from __future__ import annotations

import pytest

from pmenomssl.records import FrozenInstanceError, field, fields, record


@record(frozen=True)
class Frozen:
    name: str
    count: int = 0
    tags: list[str] = field(default_factory=list)

    def label(self) -> str:
        return f"{self.name}:{self.count}"


@record()
class Mutable:
    a: int
    b: str = "x"

    def __repr__(self) -> str:
        return "custom"


def test_construction_defaults_and_factories() -> None:
    one = Frozen("a")
    assert (one.name, one.count, one.tags) == ("a", 0, [])
    assert Frozen("a", 2).count == 2 and Frozen(name="b", count=3).label() == "b:3"
    assert Frozen("a").tags is not Frozen("a").tags  # a fresh default per instance
    assert fields(Frozen) == ("name", "count", "tags") == fields(one)


def test_errors_like_a_dataclass() -> None:
    with pytest.raises(TypeError):
        Frozen()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Frozen("a", 1, [], 4)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Frozen("a", name="b")  # type: ignore[misc]
    with pytest.raises(TypeError):
        Frozen("a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(FrozenInstanceError):
        Frozen("a").name = "b"  # type: ignore[misc]


def test_equality_hash_and_repr() -> None:
    assert Frozen("a", 1) == Frozen("a", 1) and Frozen("a", 1) != Frozen("a", 2)
    assert hash(Frozen("a", 1, ())) == hash(Frozen("a", 1, ()))  # type: ignore[arg-type]
    assert repr(Frozen("a")) == "Frozen(name='a', count=0, tags=[])"
    m = Mutable(1)
    m.b = "y"
    assert (m.a, m.b) == (1, "y") and repr(m) == "custom"  # the class's own method is kept
    with pytest.raises(TypeError):
        hash(m)
