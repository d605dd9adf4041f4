"""One BLAS thread while the engine runs its own threads over row blocks.

The score scan multiplies two row blocks at once in two Python threads. If OpenBLAS also
starts its own threads for each product, the threads outnumber the cores and OpenBLAS's
waiting threads spin on them: measured, about twice the CPU time for the same products.
``single_threaded()`` sets OpenBLAS (the one bundled with numpy, found in the loaded
libraries) to one thread for the duration and restores it after. Where no OpenBLAS is
found, it does nothing.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

_NAMES = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("scipy_openblas_set_num_threads", "scipy_openblas_get_num_threads"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)
_lock = threading.Lock()
_depth = 0
_saved: list[int] = []

_Setter = Callable[[int], None]
_Getter = Callable[[], int]


@lru_cache(maxsize=1)
def _controls() -> tuple[tuple[_Setter, _Getter], ...]:
    """(set, get) functions of each OpenBLAS loaded in this process."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    except OSError:
        return ()
    found: list[tuple[_Setter, _Getter]] = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for set_name, get_name in _NAMES:
            if hasattr(lib, set_name) and hasattr(lib, get_name):
                setter, getter = getattr(lib, set_name), getattr(lib, get_name)
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                found.append((setter, getter))
                break
    return tuple(found)


@contextmanager
def single_threaded() -> Iterator[None]:
    global _depth
    with _lock:
        if _depth == 0:
            _saved[:] = [getter() for _, getter in _controls()]
            for setter, _ in _controls():
                setter(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for (setter, _), threads in zip(_controls(), _saved, strict=True):
                    setter(threads)
