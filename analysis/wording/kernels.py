"""The wording stage's inner loops (`loops`), run as plain Python or compiled by numba.

numba pays only on a corpus of some size: importing it and loading its cached machine code take
about a second and a half, more than the five shipped documents' whole shared-wording stage run
as plain Python, while on 80 synthetic documents the compiled stage is four times faster, and
plain Python grows faster than the text. So a caller asks for the loops by the size of its input
(`for_chars`): below COMPILE_FROM_CHARS it
gets the module `loops` itself; from there on, `compiled_loops`, the same source with every
function compiled (`numba.njit(cache=True)`: compiled once per machine into __pycache__, then
loaded). Both run one source, so they give the same results (the tests run both: the `loops`
fixture of tests/wording/conftest.py).
"""

from __future__ import annotations

import types

from analysis.wording import loops as plain

# Characters of text (all documents of one call) from which the compiled loops are used. Measured
# by benchmarks/bench_kernels.py on synthetic near-copies (the worst case for the finder), the wording
# stage in a fresh process, numba's import and cache loading included: 5 documents (46,528
# characters) plain 0.51-0.84 s, compiled 0.67-1.04 s; 10 documents (93,058) plain 1.37-1.84 s,
# compiled 0.91-1.53 s (two runs, in a fast and a slow hour of this shared machine).
COMPILE_FROM_CHARS = 64_000


def for_chars(n_chars: int) -> types.ModuleType:
    """The loops for an input of `n_chars` characters: compiled from COMPILE_FROM_CHARS on."""
    return compiled() if n_chars >= COMPILE_FROM_CHARS else plain


def compiled() -> types.ModuleType:
    """`loops` with every function compiled (`compiled_loops`; importing it imports numba)."""
    from analysis.wording import compiled_loops

    return compiled_loops
