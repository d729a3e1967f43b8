"""`loops` with every function compiled by numba, for `kernels`.

The source of `loops` is executed once more in this module's namespace, its two list makers
(`_ints`, `_seq`) replaced by numpy arrays, and each function replaced by `numba.njit(cache=True)`
of itself: a loop calling another (`_grow` calling `_same`)
then calls the compiled one, and numba, loading its cache in a new process (a finder worker),
finds the functions' module again by this importable name.
"""

import types
from pathlib import Path

import numba
import numpy as np

from analysis.wording import loops as _plain

_doc = __doc__
exec(compile(Path(_plain.__file__).read_text(encoding="utf-8"), _plain.__file__, "exec"), globals())
__doc__ = _doc


def _ints(n):       # loops' lists (fast to read item by item in plain Python), as arrays here:
    return np.empty(n, np.int64)    # not zeroed (numba's zeros touch every page); the loops write before they read


def _seq(a):
    return a


for _name, _value in list(globals().items()):
    if isinstance(_value, types.FunctionType) and _value.__module__ == __name__:
        globals()[_name] = numba.njit(cache=True)(_value)
