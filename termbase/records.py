"""Frozen records built in one step: the value objects matchers and checks make by the thousand
(terms and renderings found, quantities, issues)."""
from __future__ import annotations

from dataclasses import MISSING, dataclass, fields


def frozen_record(cls: type) -> type:
    """``cls`` made a frozen dataclass whose ``__init__`` stores each field straight into the
    instance dict.

    The ``__init__`` a frozen dataclass generates sets each field through
    ``object.__setattr__`` (to get past the class's own ``__setattr__``), two to three times
    slower; equality, hashing, ``repr``, pickling and the refusal to assign stay the
    dataclass's. Fields with a ``default_factory`` are not supported.
    """
    cls = dataclass(frozen=True, init=False)(cls)
    params, stores = [], []
    namespace: dict = {}
    for f in fields(cls):
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: frozen_record fields take no default_factory")
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        stores.append(f"    d[{f.name!r}] = {f.name}\n")
    exec(f"def __init__(self, {', '.join(params)}):\n    d = self.__dict__\n{''.join(stores)}",
         namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls


__all__ = ["frozen_record"]
