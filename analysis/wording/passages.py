"""Passages two documents share, found at character level and robust to small edits.

The method (docs/shared-wording.md has the full account):

1. Reading form. Whitespace is dropped, since scrapes wrap lines in different places, and each
   character is NFKC-folded, so full- and half-width punctuation agree. A map keeps the raw
   offset of every reading character, so results slice the raw text.
2. Fingerprints by winnowing (Schleimer, Wilkerson and Aiken 2003). Every k-gram is hashed and
   the minimum of each window of w consecutive hashes is kept: a MinHash taken over every window.
   Any run of k + w - 1 characters that two documents share yields a common fingerprint, while
   only about 2/(w + 1) of the positions are indexed. A MinHash over whole documents could not
   see a 20-character passage inside 10,000 characters.
3. Candidates. Documents that share a fingerprint are paired. Up to `complete_up_to` documents
   every pair is compared; in a larger corpus each occurrence is compared with the occurrences
   in the first `max_witnesses` documents holding it, so the work stays linear in the text
   instead of growing with every clique of documents that repeat a passage.
4. Exact seeds are extended to maximal exact matches, and the matches on one document pair are
   chained across small edits (at most `max_gap` characters).
5. Local alignment. Each chain is aligned by rapidfuzz's Indel (LCS) opcodes, and extended at
   both ends into a margin of `pad` characters as far as the alignment scores (each identical
   character +1, each edited one -`edit_cost`): an X-drop extension as in BLAST. This gives
   the exact spans, the shared length and the similarity.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from analysis.wording.matches import Codes, chains, exact_matches

COLUMNS = ["a", "b", "a_start", "a_end", "b_start", "b_end", "length", "similarity", "longest_exact"]


@dataclass(frozen=True)
class Settings:
    min_chars: int = 20          # shared characters a passage needs
    min_similarity: float = 0.8  # 2 x shared / (length in a + length in b), in reading characters
    min_exact: int = 12          # the longest identical run a passage needs (short stock phrases are not reuse)
    complete_up_to: int = 12     # corpora this small compare every pair of documents
    max_witnesses: int = 4       # beyond that, the earlier documents each occurrence is compared with
    max_repeats: int = 4         # occurrences of one shingle per document used as seeds (stock phrases repeat)
    k: int = 10                  # characters per hashed shingle
    window: int = 10             # winnowing window: any shared run of k + window - 1 = 19 chars is seen
    max_gap: int = 8             # the longest edit bridged when chaining exact matches
    pad: int = 24                # margin aligned around a chain to recover its edges
    edit_cost: float = 2.0


@dataclass(frozen=True)
class Reading:
    """A document's reading form and, for each of its characters, the raw offset.

    `marker` (a private-use character of this document's own, matching nothing elsewhere) stands
    at each unit boundary: a passage never runs from the end of one unit into the next.
    """
    text: str
    raw_offsets: np.ndarray
    marker: str = ""

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return int(self.raw_offsets[start]), int(self.raw_offsets[end - 1]) + 1


_MARKERS = 0xF0000      # Supplementary Private Use Area-A: never in a scraped text


def reading_form(raw: str, breaks=(), doc_no: int = 0) -> Reading:
    """`breaks`: raw offsets where units start (a marker goes before each); `doc_no` picks the marker."""
    codes = np.frombuffer(raw.encode("utf-32-le", errors="surrogatepass"), dtype="<u4")
    if len(codes) == 0:
        return Reading("", np.empty(0, np.int64))
    uniq, inverse = np.unique(codes, return_inverse=True)
    folded = np.array([_fold(int(c)) for c in uniq], dtype=np.int64)[inverse]
    keep = np.flatnonzero(folded >= 0)
    values = folded[keep]
    marker = chr(_MARKERS + doc_no % 0xFFFD)
    cuts = np.unique(np.searchsorted(keep, np.asarray(breaks, dtype=np.int64)))
    cuts = cuts[(cuts > 0) & (cuts < len(keep))]
    if len(cuts):
        values = np.insert(values, cuts, ord(marker))
        keep = np.insert(keep, cuts, keep[cuts])
    text = values.astype("<u4").tobytes().decode("utf-32-le", errors="surrogatepass")
    return Reading(text, keep, marker if len(cuts) else "")


def _fold(code: int) -> int:
    """-1 for whitespace, else the NFKC form when it is one character."""
    ch = chr(code)
    if ch.isspace():
        return -1
    folded = unicodedata.normalize("NFKC", ch)
    return ord(folded) if len(folded) == 1 and not folded.isspace() else code


# -- fingerprints ----------------------------------------------------------------------------

_BASE = np.uint64(0x100000001B3)


def fingerprints(text: str, k: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, positions) of the winnowed k-grams of a reading text."""
    codes = np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype="<u4").astype(np.uint64)
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = h * _BASE + codes[j:j + n]
    h = _mix(h)
    if n <= window:
        pos = np.array([int(np.argmin(h))], dtype=np.int64)
    else:
        mins = np.lib.stride_tricks.sliding_window_view(h, window).argmin(axis=1)
        pos = np.unique(np.arange(n - window + 1, dtype=np.int64) + mins)
    return h[pos], pos


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: the window minimum becomes a fair sample of the window's shingles."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


class Witnesses:
    """For every fingerprint occurrence of the corpus, the occurrences it is compared with: those
    of the same hash in earlier documents among the first `max_docs` documents holding that hash
    (all documents up to `complete_up_to`, else `max_witnesses`).

    Each document is compared with earlier ones only and with a bounded number of them, so the
    work grows linearly with the corpus. The plan is made for the whole corpus at once by sorting
    its occurrences by (hash, document, position): a hash's witnesses are a prefix of its run, so
    an occurrence's are the run's first min(witnesses, occurrences of earlier documents) entries.
    `seeds(b)` expands one document's into rows (a, pos_a, pos_b)."""

    def __init__(self, readings: Sequence[Reading], s: Settings):
        max_docs = len(readings) if len(readings) <= s.complete_up_to else s.max_witnesses
        found = [capped_fingerprints(r.text, s) for r in readings]
        h = np.concatenate([f[0] for f in found]) if found else np.empty(0, np.uint64)
        p = np.concatenate([f[1] for f in found]) if found else np.empty(0, np.int64)
        d = np.repeat(np.arange(len(readings), dtype=np.int64), [len(f[0]) for f in found])
        order = np.lexsort((p, d, h))
        h, self.doc, self.pos = h[order], d[order], p[order]
        self.first = self.count = np.zeros(0, np.int64)
        if len(h):
            index = np.arange(len(h))
            new_hash = np.r_[True, h[1:] != h[:-1]]
            new_doc = new_hash | np.r_[True, self.doc[1:] != self.doc[:-1]]
            run_start = np.maximum.accumulate(np.where(new_hash, index, 0))
            doc_start = np.maximum.accumulate(np.where(new_doc, index, 0))
            docs_seen = np.cumsum(new_doc)
            witness = docs_seen - docs_seen[run_start] < max_docs     # the hash's first max_docs documents
            # witnesses are a prefix of each run: their end is the run start plus their number
            per_run = np.add.reduceat(witness.astype(np.int64), np.flatnonzero(new_hash))
            witness_end = run_start + per_run[np.cumsum(new_hash) - 1]
            self.first = run_start
            self.count = np.maximum(np.minimum(witness_end, doc_start) - run_start, 0)
        by_doc = np.argsort(self.doc, kind="stable")
        self._by_doc = np.split(by_doc, np.searchsorted(self.doc[by_doc], np.arange(1, len(readings))))

    def seeds(self, b: int) -> np.ndarray:
        """Seed rows (a, pos_a, pos_b) of document b against the earlier documents."""
        mine = self._by_doc[b]
        count = self.count[mine]
        total = int(count.sum())
        if total == 0:
            return np.empty((0, 3), dtype=np.int64)
        offsets = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        w = np.repeat(self.first[mine], count) + offsets
        return np.stack([self.doc[w], self.pos[w], np.repeat(self.pos[mine], count)], axis=1)


def capped_fingerprints(text: str, s: Settings) -> tuple[np.ndarray, np.ndarray]:
    """A document's fingerprints (hashes, positions), each hash at most `max_repeats` times (stock phrases repeat)."""
    h, p = fingerprints(text, s.k, s.window)
    if len(h) == 0:
        return h, p
    order = np.argsort(h, kind="stable")
    hs = h[order]
    first = np.r_[0, np.flatnonzero(hs[1:] != hs[:-1]) + 1]
    rank = np.arange(len(hs)) - np.repeat(first, np.diff(np.r_[first, len(hs)]))
    keep = np.sort(order[rank < s.max_repeats])
    return h[keep], p[keep]


# -- alignment (exact matches and chains: analysis.wording.matches) ----------------------------

def _window(r: Reading, start: int, end: int, pad: int) -> tuple[int, int]:
    """[start - pad, end + pad], clipped to the text and to the unit the span lies in."""
    lo, hi = max(0, start - pad), min(len(r.text), end + pad)
    if r.marker:
        lo = max(lo, r.text.rfind(r.marker, lo, start) + 1)
        cut = r.text.find(r.marker, end, hi)
        hi = cut if cut >= 0 else hi
    return lo, hi


def align(ra: Reading, rb: Reading, a0: int, a1: int, b0: int, b1: int, s: Settings):
    """A chain aligned and extended across small edits at both ends:
    (a_start, a_end, b_start, b_end, shared, longest_exact).

    The chain's ends are identical characters, so it is aligned on its own and each flank is
    aligned outwards from it; aligning one padded window instead would let a tie in the
    alignment pair a word of the passage with the same word in the text beyond it."""
    ta, tb = ra.text, rb.text
    blocks = _equal_blocks(Indel.opcodes(ta[a0:a1], tb[b0:b1]).as_list())
    A1, B1 = _window(ra, a0, a1, s.pad)[1], _window(rb, b0, b1, s.pad)[1]
    (da, db), right = _best_prefix(Indel.opcodes(ta[a1:A1], tb[b1:B1]).as_list(), s.edit_cost)
    A0, B0 = _window(ra, a0, a1, s.pad)[0], _window(rb, b0, b1, s.pad)[0]
    (ea, eb), left = _best_prefix(Indel.opcodes(ta[A0:a0][::-1], tb[B0:b0][::-1]).as_list(), s.edit_cost)
    blocks += right + left
    return a0 - ea, a1 + da, b0 - eb, b1 + db, sum(blocks), max(blocks)


def _equal_blocks(ops) -> list[int]:
    return [i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal"]


def _best_prefix(ops, edit_cost: float) -> tuple[tuple[int, int], list[int]]:
    """How far an alignment anchored at its start is worth following: ((chars in a, chars in b),
    the identical blocks taken). It ends on identical characters or takes nothing."""
    score, best, best_end, best_n = 0.0, 0.0, (0, 0), 0
    for n, (tag, i1, i2, j1, j2) in enumerate(ops, 1):
        if tag == "equal":
            score += i2 - i1
            if score > best:
                best, best_end, best_n = score, (i2, j2), n
        else:
            score -= edit_cost * ((i2 - i1) + (j2 - j1))
    return best_end, _equal_blocks(ops[:best_n])


def find(texts: Sequence[str], settings: Settings = Settings()) -> pd.DataFrame:
    """Every passage shared by two of `texts` (raw strings), with raw offsets; see COLUMNS."""
    readings = [reading_form(t) for t in texts]
    return find_in_readings(readings, settings)


def find_in_readings(readings: Sequence[Reading], s: Settings = Settings(), pool: "DocumentPool | None" = None,
                     known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every passage shared by two of `readings`, in document order. Which occurrences each is
    compared with is planned here for the whole corpus (`Witnesses`); with a `pool`, the matching
    and alignment of each document's seeds, which need nothing but the readings, run in its
    processes. The rows are the same either way.

    `known`: passages already found (this function's rows from other settings). A chain of exact
    matches that overlaps one of them on both sides, in the same two documents, is not aligned
    and yields no row (edited_reuse leaves such text to shared_passages)."""
    witnesses = Witnesses(readings, s)
    codes = Codes.of(readings) if pool is None else None
    known_of = _by_second_document(known, len(readings))

    def seeds():
        for b in range(len(readings)):
            yield b, witnesses.seeds(b), known_of(b)

    if pool is None:
        parts = [_document_passages(readings, codes, b, seed_rows, s, cover) for b, seed_rows, cover in seeds()]
    else:
        parts = list(pool.map(s, seeds()))
    return _frame(parts)


_INTS = [c for c in COLUMNS if c != "similarity"]


def _by_second_document(known: pd.DataFrame | None, n_docs: int):
    """b -> the rows (a, a_start, a_end, b_start, b_end) of `known` whose second document is b."""
    if known is None or known.empty:
        return lambda b: None
    spans = known[["a", "a_start", "a_end", "b_start", "b_end"]].to_numpy(np.int64)
    second = known["b"].to_numpy(np.int64)
    order = np.argsort(second, kind="stable")
    bounds = np.searchsorted(second[order], np.arange(n_docs + 1))
    return lambda b: spans[order[bounds[b]:bounds[b + 1]]]


def _document_passages(readings: Sequence[Reading], codes: Codes, b: int, seed_rows: np.ndarray, s: Settings,
                       cover: np.ndarray | None = None):
    """The passages document b shares with earlier documents, from its seeds: (their integer
    columns, their similarities) as arrays, a tenth of the memory of tuples (and of the messages
    from a worker process). `cover`: known passages of b (`find_in_readings`)."""
    matches = exact_matches(codes, b, seed_rows, s.k, s.window)
    rows = _passages(readings, chains(codes, matches, b, s.max_gap, s.k, s.min_exact), s, cover)
    if not rows:
        return np.empty((0, len(_INTS)), dtype=np.int64), np.empty(0)
    table = np.array(rows, dtype=object)
    ints = table[:, [COLUMNS.index(c) for c in _INTS]].astype(np.int64)
    return ints, table[:, COLUMNS.index("similarity")].astype(np.float64)


def _frame(parts) -> pd.DataFrame:
    """The finder's rows from the documents' arrays, columns in COLUMNS order."""
    ints = np.concatenate([p[0] for p in parts]) if parts else np.empty((0, len(_INTS)), dtype=np.int64)
    sims = np.concatenate([p[1] for p in parts]) if parts else np.empty(0)
    columns = {c: ints[:, i] for i, c in enumerate(_INTS)} | {"similarity": sims}
    return pd.DataFrame({c: columns[c] for c in COLUMNS}, columns=COLUMNS)


class DocumentPool:
    """Worker processes holding every reading, each matching and aligning the seeds of a batch of
    documents (`find_in_readings`). Started with forkserver, so a worker holds the readings and the
    finder's modules, not a copy of the parent's tables. A context manager."""

    BATCH = 8          # documents per task: fewer, larger messages

    def __init__(self, readings: Sequence[Reading], jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.jobs = jobs
        self._pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("forkserver"),
                                         initializer=_hold_readings, initargs=(list(readings),))

    def map(self, s: Settings, seeds):
        """The passages of each document's seeds (`_document_passages`), in document order; at most
        a few batches per worker wait at a time, so the seeds of the whole corpus are never in
        memory at once."""
        from collections import deque

        waiting: deque = deque()
        batch: list = []
        for item in seeds:
            batch.append(item)
            if len(batch) == self.BATCH:
                waiting.append(self._pool.submit(_batch_passages, batch, s))
                batch = []
                while len(waiting) >= 3 * self.jobs:
                    yield from waiting.popleft().result()
        if batch:
            waiting.append(self._pool.submit(_batch_passages, batch, s))
        while waiting:
            yield from waiting.popleft().result()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._pool.shutdown(cancel_futures=True)


_HELD: list[Reading] = []      # in a worker process: the readings of the corpus
_HELD_CODES: Codes | None = None


def _hold_readings(readings: list[Reading]) -> None:
    global _HELD, _HELD_CODES
    _HELD, _HELD_CODES = readings, Codes.of(readings)


def _batch_passages(batch: list[tuple], s: Settings) -> list[tuple[np.ndarray, np.ndarray]]:
    return [_document_passages(_HELD, _HELD_CODES, b, seed_rows, s, cover) for b, seed_rows, cover in batch]


def _passages(readings: Sequence[Reading], found: list[tuple], s: Settings, cover: np.ndarray | None = None
              ) -> list[tuple]:
    """The passages of chains (`matches.chains`) after alignment, without those `cover` holds."""
    rows = []
    if cover is not None and len(cover) and found:
        found = _not_covered(readings, found, cover)
    for a, b, a0, a1, b0, b1 in found:
        as_, ae, bs, be, shared, longest = align(readings[a], readings[b], a0, a1, b0, b1, s)
        similarity = 2 * shared / ((ae - as_) + (be - bs))
        if shared >= s.min_chars and similarity >= s.min_similarity and longest >= s.min_exact:
            rows.append((a, b, as_, ae, bs, be, shared, round(similarity, 4), longest))
    return [(a, b, *readings[a].raw_span(as_, ae), *readings[b].raw_span(bs, be), shared, sim, longest)
            for a, b, as_, ae, bs, be, shared, sim, longest in _drop_contained(sorted(set(rows)))]


def _not_covered(readings: Sequence[Reading], found: list[tuple], cover: np.ndarray) -> list[tuple]:
    """The chains (a, b, a0, a1, b0, b1; reading offsets, one b) that overlap no `cover` row
    (a, a_start, a_end, b_start, b_end; raw offsets) of the same document a on both sides.
    Aligning only extends a chain, so the passage a dropped chain would give overlaps it too."""
    arr = np.asarray(found, dtype=np.int64)
    rb = readings[int(arr[0, 1])].raw_offsets
    b_start, b_end = rb[arr[:, 4]], rb[arr[:, 5] - 1] + 1
    keep = np.ones(len(arr), dtype=bool)
    for a in np.unique(arr[:, 0]):
        rows = np.flatnonzero(arr[:, 0] == a)
        known = cover[cover[:, 0] == a]
        if not len(known):
            continue
        ra = readings[int(a)].raw_offsets
        a_start, a_end = ra[arr[rows, 2]], ra[arr[rows, 3] - 1] + 1
        hit = ((known[:, 1] < a_end[:, None]) & (known[:, 2] > a_start[:, None])
               & (known[:, 3] < b_end[rows, None]) & (known[:, 4] > b_start[rows, None]))
        keep[rows] = ~hit.any(axis=1)
    return [c for c, k in zip(found, keep.tolist()) if k]


def _drop_contained(rows: list[tuple]) -> list[tuple]:
    """A margin can make two chains align to one passage: of overlapping ones keep the larger.
    `rows` is sorted by (a, b, a_start); only passages still open at a_start can overlap."""
    kept: list[tuple] = []
    active: list[tuple] = []
    for r in rows:
        active = [k for k in active if k[:2] == r[:2] and k[3] > r[2]]
        clash = next((k for k in active if _overlap(k[4], k[5], r[4], r[5])), None)
        if clash is None:
            kept.append(r)
            active.append(r)
        elif r[6] > clash[6]:
            kept.remove(clash)
            active.remove(clash)
            kept.append(r)
            active.append(r)
    return sorted(kept)


def _overlap(s1: int, e1: int, s2: int, e2: int) -> bool:
    return min(e1, e2) - max(s1, s2) > 0
