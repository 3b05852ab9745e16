"""django-tables2 reads the signature of a column's render and value methods for every cell it writes
(``django_tables2.utils.call_with_appropriate``), and ``inspect.signature`` is slow: the weekly tracker's
1,100 cells spent more time there than in the rest of its rendering (issue 17, item 5). A function's
parameters never change, so each is read once and remembered here, for plain functions and bound methods
(a method's signature is its function's, less ``self``); anything else is read every time as before."""

from __future__ import annotations

from functools import lru_cache
from types import FunctionType, MethodType

import django_tables2.utils as tables_utils

_uncached = tables_utils.signature


#: What a remembered method is bound to while its signature is read: a bound method's signature is its
#: function's less the first parameter, whatever it is bound to.
_ANY_SELF = object()


@lru_cache(maxsize=4096)
def _of_function(function: FunctionType, bound: bool) -> tuple[tuple[str, ...], str | None]:
    return _uncached(MethodType(function, _ANY_SELF) if bound else function)


def signature(fn):
    """``django_tables2.utils.signature``: (argument names, the name of the ``**`` catch-all or None)."""
    if isinstance(fn, MethodType) and isinstance(fn.__func__, FunctionType) and not isinstance(fn.__self__, type):
        return _of_function(fn.__func__, True)
    if isinstance(fn, FunctionType):
        return _of_function(fn, False)
    return _uncached(fn)


def install() -> None:
    """Make django-tables2 use the remembered signatures (once, from ``PlacementsConfig.ready``)."""
    tables_utils.signature = signature
