"""Querysets built once and run many times (issue 13).

Building a queryset (its filters, subqueries and annotations) costs more Python than running it, and the area
pages' queries depend on nothing but the area and the year. `built_once` keeps the *built* querysets of a
function per argument tuple, per thread, and the caller runs a copy of each (`.all()`) on every call, so every
row is read afresh: no data is kept, only the question. Only for functions of plain values (primary keys,
year strings) whose querysets never depend on the date, the user or the data.

Per thread because compiling a copy reuses the kept queryset's expressions (Django copies a query shallowly),
and gunicorn's threads must not compile the same expression objects at once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import wraps

_kept = threading.local()


def built_once(maxsize: int = 256):
    """`@built_once()` on a function returning querysets (or a tuple or dataclass of them): each thread keeps the
    last `maxsize` results; callers must run a copy (`.all()`), never the kept queryset itself."""

    def decorate(build):
        @wraps(build)
        def kept(*args):
            caches = _kept.__dict__.setdefault("caches", {})
            cache: OrderedDict = caches.setdefault(build, OrderedDict())
            if args in cache:
                cache.move_to_end(args)
                return cache[args]
            result = cache[args] = build(*args)
            if len(cache) > maxsize:
                cache.popitem(last=False)
            return result

        return kept

    return decorate
