"""The cyclic garbage collector paused for the length of a bulk load.

A load holds millions of live objects (rows, cells, parameters) and makes no
reference cycles; each full collection the allocations trigger walks all of
them, which cost about a sixth of an import's CPU time. Reference counting
still frees everything as usual. :func:`gc_paused` nests and is thread-safe:
the collector comes back when the last pause ends, and only if it was enabled
when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
