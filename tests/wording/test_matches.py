"""The finder loops (analysis.wording.matches), plain and compiled, against the string versions they replaced."""

import random

import numpy as np
import pytest

from analysis.wording.matches import Codes, chains, exact_matches
from analysis.wording.passages import Settings, Witnesses, reading_form


def _exact_matches_on_strings(readings, b, seed_rows, s):
    """The first version: seed runs checked and grown by slicing the reading strings."""
    if len(seed_rows) == 0:
        return []
    a, pa, pb = seed_rows.T
    diag = pb - pa
    order = np.lexsort((pa, diag, a))
    a, pa, diag = a[order].tolist(), pa[order].tolist(), diag[order].tolist()
    new = [True] + [(a[i] != a[i - 1]) or (diag[i] != diag[i - 1]) or (pa[i] - pa[i - 1] > s.window)
                    for i in range(1, len(a))]
    run_starts = [i for i, x in enumerate(new) if x]
    run_ends = run_starts[1:] + [len(a)]
    tb = readings[b].text
    found = set()

    def grow(ta, start, end, off):
        while start > 0 and start + off > 0 and ta[start - 1] == tb[start - 1 + off]:
            start -= 1
        while end < len(ta) and end + off < len(tb) and ta[end] == tb[end + off]:
            end += 1
        return start, end

    for rs, re_ in zip(run_starts, run_ends):
        ta, off = readings[a[rs]].text, diag[rs]
        start, end = pa[rs], pa[re_ - 1] + s.k
        if ta[start:end] == tb[start + off:end + off]:
            found.add((a[rs], b, *grow(ta, start, end, off), off))
            continue
        for q in range(rs, re_):
            st = pa[q]
            if ta[st:st + s.k] == tb[st + off:st + off + s.k]:
                found.add((a[q], b, *grow(ta, st, st + s.k, off), off))
    return sorted(found)


def _chains_on_strings(readings, matches, s):
    """The first version: open chains as lists, unit markers found with str.find."""
    def crosses(r, start, end):
        return bool(r.marker) and r.text.find(r.marker, start, end) >= 0

    out, open_, key = [], [], None
    for a, b, st, en, off in matches:
        if (a, b) != key:
            out.extend(open_)
            open_, key = [], (a, b)
        bs, be = st + off, en + off
        for c in open_:
            if (-s.k <= st - c[3] <= s.max_gap and -s.k <= bs - c[5] <= s.max_gap
                    and not crosses(readings[a], c[3], st) and not crosses(readings[b], c[5], bs)):
                c[3], c[5], c[6] = max(c[3], en), max(c[5], be), max(c[6], en - st)
                break
        else:
            open_.append([a, b, st, en, bs, be, en - st])
        if len(open_) > 64:
            out.extend(c for c in open_ if c[3] < st - s.max_gap)
            open_ = [c for c in open_ if c[3] >= st - s.max_gap]
    out.extend(open_)
    return [tuple(c[:6]) for c in out if c[6] >= s.min_exact]


def _corpus(seed: int, n_docs: int):
    """Documents recombining a few phrases with small edits, repeats and unit breaks."""
    rng = random.Random(seed)
    phrases = ["推进紧密型县域医疗卫生共同体建设", "全面推行医保支付方式改革", "按病种付费",
               "建立健全公立医院薪酬制度", "加强基层医疗卫生机构服务能力", "各地区各有关部门要", "。", "，"]
    texts, breaks = [], []
    for _ in range(n_docs):
        parts = [rng.choice(phrases) for _ in range(rng.randint(0, 40))]
        text = "".join(p if rng.random() < 0.8 else p.replace("医", rng.choice("药护")) for p in parts)
        texts.append(text)
        breaks.append(sorted(rng.sample(range(len(text)), min(len(text), rng.randint(0, 6)))))
    return [reading_form(t, br, n) for n, (t, br) in enumerate(zip(texts, breaks))]


@pytest.mark.parametrize("settings", [Settings(), Settings(k=4, window=4, max_gap=12, min_exact=7),
                                      Settings(k=3, window=2, max_gap=2, min_exact=3, max_repeats=8)])
def test_matches_and_chains_plain_and_compiled_are_those_of_the_string_versions(settings, loops):
    readings = _corpus(5, 25)
    codes, witnesses = Codes.of(readings), Witnesses(readings, settings)
    n_matches = n_chains = 0
    for b in range(len(readings)):
        seeds = witnesses.seeds(b)
        want = _exact_matches_on_strings(readings, b, seeds, settings)
        got = exact_matches(codes, b, seeds, settings.k, settings.window)
        assert [(a, b, st, en, off) for a, st, en, off in got.tolist()] == want, b
        want_chains = _chains_on_strings(readings, want, settings)
        got_chains = chains(codes, got, b, settings.max_gap, settings.k, settings.min_exact)
        assert sorted(got_chains) == sorted(want_chains), b
        n_matches, n_chains = n_matches + len(want), n_chains + len(want_chains)
    assert n_matches > 500 and n_chains > 100


def test_a_chain_stops_at_a_unit_marker_and_a_match_joins_the_first_chain_it_continues(loops):
    # b repeats a's phrase with one character edited, then once more after a unit break
    a_text, b_text = "医疗保障制度改革要全面推进", "医疗保障制度改車要全面推进医疗保障制度改革要全面推进"
    ra = reading_form(a_text, [], 0)
    rb = reading_form(b_text, [13], 1)
    codes = Codes.of([ra, rb])
    matches = np.array([[0, 0, 7, 0], [0, 0, 13, 14], [0, 8, 13, 0]])   # (a, start, end, offset), sorted
    got = chains(codes, matches, 1, max_gap=8, k=4, min_exact=5)
    # the first and third matches bridge the edit; the copy after the break is a chain of its own
    assert sorted(got) == [(0, 1, 0, 13, 0, 13), (0, 1, 0, 13, 14, 27)]
    assert codes.markers.tolist() == [ra.raw_offsets.size + 13]
    # with the break inside the edited phrase, its two matches stay apart
    rb_cut = reading_form(b_text, [8], 1)
    cut = chains(Codes.of([ra, rb_cut]), np.array([[0, 0, 7, 0], [0, 8, 13, 1]]), 1, max_gap=8, k=4, min_exact=5)
    assert sorted(cut) == [(0, 1, 0, 7, 0, 7), (0, 1, 8, 13, 9, 14)]


def test_the_loops_run_as_plain_python_below_the_threshold_and_compiled_from_it():
    from numba.core.registry import CPUDispatcher

    from analysis.wording import kernels, loops

    assert kernels.for_chars(kernels.COMPILE_FROM_CHARS - 1) is loops
    compiled = kernels.for_chars(kernels.COMPILE_FROM_CHARS)
    assert compiled is kernels.compiled() and compiled is not loops
    assert all(isinstance(getattr(compiled, f), CPUDispatcher) for f in ("_same", "_grow", "_chain", "_walk", "_dots"))
    assert compiled._grow.py_func.__code__.co_filename == loops._grow.__code__.co_filename   # one source
