"""Names a package exports but imports only when first used (PEP 562), so that a command
which does not need them does not pay for their dependencies at start-up.

A name must not be the name of one of the package's submodules: importing that submodule
binds the name to the module, and `from package import name` would then get the module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The module `__getattr__` of `package`: `homes` maps each name to the submodule that
    defines it; the first use imports it and keeps it in the package's namespace."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{home}", package), name)
        namespace[name] = value
        return value

    return __getattr__
