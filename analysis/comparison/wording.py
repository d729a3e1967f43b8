"""Shared wording across the documents, for notebook 06: who reuses whose text, shown side by side.

Three views of the build's `shared_passages` and `task_similarity` tables (tested; figures draw them):

- `reuse_matrix`: per ordered pair of regions, the characters of the first region's text that lie in
  passages shared with the second (a union of spans, so a passage repeated on the other side is
  counted once), the share of its text, and the passage ids behind the number.
- `side_by_side`: the longest passages as HTML, the two texts next to each other with the
  differences marked (<del> only in the left text, <ins> only in the right) and greyed context.
- `closest_tasks` / `topic_pairs`: for one topic, an anchor task and its nearest task in every other
  region, and the ranked cross-region pairs within the topic.

Characters are counted as the passage finder reads them (analysis.wording.passages.reading_form):
whitespace is not counted, so line wrapping in a scrape does not change a number.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import PROJECT_ROOT
from analysis.comparison.compare import regions
from analysis.errors import SourceError
from analysis.topics.codebook import load_codebook
from analysis.wording.passages import reading_form

MATRIX_COLUMNS = ["region", "other_region", "chars", "region_chars", "share", "passages", "passage_ids"]


# --- raw texts ------------------------------------------------------------------------------
def raw_texts(documents: pd.DataFrame, root: str | Path = PROJECT_ROOT) -> dict[str, str]:
    """region -> raw text, read from each document's raw_path and checked against the build's sha256."""
    out = {}
    for d in documents.itertuples():
        path = Path(root) / d.raw_path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(path, f"cannot read the raw document ({exc.strerror})") from None
        if hashlib.sha256(data).hexdigest() != d.sha256:
            raise SourceError(path, "changed since the tables were built; run python -m analysis build")
        out[d.region] = data.decode("utf-8")
    return out


def _reading_chars(text: str) -> np.ndarray:
    """Raw offsets of the characters the passage finder reads (whitespace dropped)."""
    return reading_form(text).raw_offsets


# --- region x region ------------------------------------------------------------------------
def reuse_matrix(shared_passages: pd.DataFrame, documents: pd.DataFrame, include_boilerplate: bool = False,
                 texts: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per ordered pair of different regions (document order), all pairs present.

    chars: characters of `region`'s text inside passages shared with `other_region` (each
    character once); share: chars / region_chars (the region's characters, whitespace not
    counted); passages and passage_ids: the passages behind the number. Both directions of a pair
    are filled. `texts` (region -> raw text) defaults to the raw files named in `documents`.
    """
    texts = texts if texts is not None else raw_texts(documents)
    order = regions(documents)
    sp = shared_passages if include_boilerplate else _without_boilerplate(shared_passages)
    kept = {r: _reading_chars(texts[r]) for r in order}
    rows = []
    for a in order:
        for b in order:
            if a == b:
                continue
            spans, ids = [], []
            for p in sp.itertuples():
                if (p.region_a, p.region_b) == (a, b):
                    spans.append((p.a_start, p.a_end)); ids.append(p.passage_id)
                elif (p.region_a, p.region_b) == (b, a):
                    spans.append((p.b_start, p.b_end)); ids.append(p.passage_id)
            covered = np.zeros(len(texts[a]), dtype=bool)
            for s, e in spans:
                covered[s:e] = True
            chars = int(covered[kept[a]].sum())
            rows.append({"region": a, "other_region": b, "chars": chars, "region_chars": len(kept[a]),
                         "share": chars / len(kept[a]) if len(kept[a]) else 0.0, "passages": len(ids),
                         "passage_ids": ", ".join(sorted(ids, key=_passage_number))})
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def _without_boilerplate(shared_passages: pd.DataFrame) -> pd.DataFrame:
    return shared_passages[~shared_passages["boilerplate"].astype(bool)]


def grid(matrix: pd.DataFrame, value: str = "chars", labels: dict[str, str] | None = None) -> pd.DataFrame:
    """For display: the matrix as a region x region table, rows being the region whose characters
    are counted, '—' on the diagonal, shares as percentages."""
    order = list(dict.fromkeys([*matrix["region"], *matrix["other_region"]]))
    cells = {(r.region, r.other_region): getattr(r, value) for r in matrix.itertuples()}
    fmt = (lambda v: f"{v:.2%}") if value == "share" else (lambda v: v)  # noqa: E731
    g = pd.DataFrame([[fmt(cells[(a, b)]) if (a, b) in cells else "—" for b in order] for a in order],
                     index=order, columns=order)
    if labels:
        g = g.rename(index=labels, columns=labels)
    g.index.name = f"{value} of ↓ shared with →"
    return g


def _passage_number(passage_id: str) -> tuple[int, str]:
    digits = "".join(c for c in passage_id if c.isdigit())
    return (int(digits) if digits else 0, passage_id)


# --- side by side ---------------------------------------------------------------------------
_BOX = "border:1px solid #ddd;border-radius:4px;padding:.6em .8em;margin:.8em 0;line-height:1.8"
_HEAD = "font-size:.85em;color:#555;margin-bottom:.3em"
_COL = "flex:1 1 0;min-width:0"
_CONTEXT = "color:#aaa"
_DEL = "background:#ffd6d6;color:#900;text-decoration:line-through;padding:0 1px"
_INS = "background:#cdf0cd;color:#060;text-decoration:none;padding:0 1px"
_LEGEND = ("<p style=\"font-size:.85em;color:#555\">Grey: the text around the passage. "
           f"<del style=\"{_DEL}\">struck red</del>: only in the left document; "
           f"<ins style=\"{_INS}\">green</ins>: only in the right one; unmarked: identical (whitespace and "
           "full-/half-width punctuation ignored, as the passage finder reads).</p>")


def side_by_side(shared_passages: pd.DataFrame, texts: dict[str, str], n: int = 10, include_boilerplate: bool = True,
                 context: int = 16, labels: dict[str, str] | None = None) -> str:
    """HTML: the `n` longest passages, each pair of texts side by side with the differences marked.

    `texts`: region -> raw text (`raw_texts`). Passages are ordered by shared length, then id; a
    passage with the same wording as a longer one shown above says so (Yancheng's annex repeats
    its body paragraphs). Styles are inline: the page opens offline and inside JupyterLab alike.
    """
    sp = shared_passages if include_boilerplate else _without_boilerplate(shared_passages)
    if sp.empty:
        return "<p><em>No shared passages.</em></p>"
    sp = sp.assign(_n=sp["passage_id"].map(_passage_number)).sort_values(["length", "_n"], ascending=[False, True])
    labels = labels or {}
    seen: dict[tuple, str] = {}
    blocks = []
    for p in sp.head(n).itertuples():
        a_text, b_text = texts[p.region_a][p.a_start:p.a_end], texts[p.region_b][p.b_start:p.b_end]
        for side, got, want in (("a", a_text, p.text_a), ("b", b_text, p.text_b)):
            if got != want:
                raise SourceError(p.doc_a if side == "a" else p.doc_b,
                                  f"passage {p.passage_id} does not match the raw text; run python -m analysis build")
        left, right = _diff(_strip(a_text), _strip(b_text))
        key = (p.region_a, p.region_b, _fold(_strip(a_text)), _fold(_strip(b_text)))
        repeat = f" · same wording as {seen[key]}" if key in seen else ""
        seen.setdefault(key, p.passage_id)
        head = (f"<div style=\"{_HEAD}\"><b>{html.escape(p.passage_id)}</b> · {html.escape(p.category)} · "
                f"{p.length} identical characters · similarity {p.similarity:.2f} · longest identical run "
                f"{p.longest_exact}{html.escape(repeat)}</div>")
        col_a = _column(labels.get(p.region_a, p.region_a), p.units_a, p.a_start, p.a_end, texts[p.region_a], left,
                        context)
        col_b = _column(labels.get(p.region_b, p.region_b), p.units_b, p.b_start, p.b_end, texts[p.region_b], right,
                        context)
        blocks.append(f"<div style=\"{_BOX}\">{head}<div style=\"display:flex;gap:1.2em\">{col_a}{col_b}</div></div>")
    return _LEGEND + "\n".join(blocks)


def _column(label: str, units: str, start: int, end: int, raw: str, marked: str, context: int) -> str:
    before = _strip(raw[max(0, start - 3 * context):start])[-context:]
    after = _strip(raw[end:end + 3 * context])[:context]
    ids = ", ".join(f"<code>{html.escape(u)}</code>" for u in str(units).split(";") if u)
    return (f"<div style=\"{_COL}\"><div style=\"{_HEAD}\">{html.escape(label)} · {ids} · chars {start}–{end}</div>"
            f"<div><span style=\"{_CONTEXT}\">…{html.escape(before)}</span>{marked}"
            f"<span style=\"{_CONTEXT}\">{html.escape(after)}…</span></div></div>")


def _strip(text: str) -> str:
    return "".join(text.split())


def _fold(text: str) -> str:
    """Character by character NFKC (，→ ,), keeping positions: what the passage finder compares."""
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch)
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


def _diff(a: str, b: str) -> tuple[str, str]:
    """(a, b) as HTML: identical stretches plain, the rest <del> in a and <ins> in b."""
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, _fold(a), _fold(b), autojunk=False).get_opcodes():
        if op == "equal":
            left.append(html.escape(a[i1:i2])); right.append(html.escape(b[j1:j2]))
            continue
        if i2 > i1:
            left.append(f"<del style=\"{_DEL}\">{html.escape(a[i1:i2])}</del>")
        if j2 > j1:
            right.append(f"<ins style=\"{_INS}\">{html.escape(b[j1:j2])}</ins>")
    return "".join(left), "".join(right)


# --- closest tasks within a topic -----------------------------------------------------------
def _topic_tasks(task_topics: pd.DataFrame, units: pd.DataFrame, topic: str) -> pd.DataFrame:
    """The tasks whose primary topic is `topic`, in document order; a clear error otherwise."""
    cb = load_codebook()
    if topic not in cb:
        raise ValueError(f"unknown topic code '{topic}'; known codes: {', '.join(cb.codes)}")
    tasks = units[units["kind"] == "task"][["unit_id", "region"]]
    primary = task_topics[task_topics["is_primary"] & (task_topics["topic"] == topic)]
    out = tasks[tasks["unit_id"].isin(primary["unit_id"])]
    if out.empty:
        raise ValueError(f"no task has the primary topic '{topic}' ({cb[topic].label})")
    return out


def _short(text: str, chars: int | None) -> str:
    """Whitespace folded; cut to `chars` with '…' (None: whole, as the briefings' tables show it)."""
    text = " ".join(str(text).split())
    return text if chars is None or len(text) <= chars else text[:chars - 1] + "…"


def closest_tasks(task_similarity: pd.DataFrame, task_topics: pd.DataFrame, units: pd.DataFrame, topic: str,
                  anchor: str | None = None, documents: pd.DataFrame | None = None, chars: int | None = 90
                  ) -> pd.DataFrame:
    """The anchor task of `topic` and, for each other region, the task most similar to it.

    The anchor (unless given) is the task of that primary topic with the highest sum, over the
    other regions, of its best match's score. Rows: the anchor first (role 'anchor'), then one row
    per other region in document order (role 'closest'; empty unit_id when nothing there shares a
    word with it). A closest task need not have the same topic: `same_topic` says whether it does.
    """
    ours = _topic_tasks(task_topics, units, topic)
    best = task_similarity[task_similarity["rank"] == 1]
    if anchor is None:
        sums = best.groupby("unit_id")["score"].sum().reindex(ours["unit_id"], fill_value=0.0)
        anchor = sums.idxmax()  # first in document order on a tie
    elif anchor not in set(ours["unit_id"]):
        raise ValueError(f"anchor '{anchor}' is not a task with the primary topic '{topic}'")
    u = units.set_index("unit_id")
    primary = task_topics[task_topics["is_primary"]].set_index("unit_id")["topic"]
    cb = load_codebook()
    label = lambda c: cb[c].label if c in cb else ""  # noqa: E731
    order = regions(documents) if documents is not None else list(dict.fromkeys(units["region"]))
    a_region = u.loc[anchor, "region"]
    rows = [{"role": "anchor", "region": a_region, "unit_id": anchor, "anchor": anchor, "score": np.nan,
             "topic": topic, "topic_label": label(topic), "same_topic": True,
             "text": _short(u.loc[anchor, "text_clean"], chars)}]
    mine = best[best["unit_id"] == anchor].set_index("other_region")
    for region in order:
        if region == a_region:
            continue
        if region in mine.index:
            m = mine.loc[region]
            other = m["other_unit_id"]
            rows.append({"role": "closest", "region": region, "unit_id": other, "anchor": anchor,
                         "score": float(m["score"]), "topic": primary.get(other, ""),
                         "topic_label": label(primary.get(other, "")), "same_topic": primary.get(other, "") == topic,
                         "text": _short(u.loc[other, "text_clean"], chars)})
        else:
            rows.append({"role": "closest", "region": region, "unit_id": "", "anchor": anchor, "score": np.nan,
                         "topic": "", "topic_label": "", "same_topic": False, "text": ""})
    return pd.DataFrame(rows)


def topic_pairs(task_similarity: pd.DataFrame, task_topics: pd.DataFrame, units: pd.DataFrame, topic: str,
                chars: int | None = 60) -> pd.DataFrame:
    """Every cross-region pair of tasks both of primary topic `topic`, most similar first.

    task_similarity keeps each task's three nearest tasks per other region, so a pair is listed
    when one of its tasks is among the other's nearest three; each pair once (either direction).
    """
    ours = _topic_tasks(task_topics, units, topic)
    ids = set(ours["unit_id"])
    ts = task_similarity[task_similarity["unit_id"].isin(ids) & task_similarity["other_unit_id"].isin(ids)]
    region = dict(zip(units["unit_id"], units["region"]))
    text = dict(zip(units["unit_id"], units["text_clean"]))
    pos = {uid: n for n, uid in enumerate(units["unit_id"])}
    pairs: dict[tuple[str, str], float] = {}
    for r in ts.itertuples():
        a, b = sorted((r.unit_id, r.other_unit_id), key=pos.__getitem__)
        pairs[(a, b)] = max(pairs.get((a, b), 0.0), float(r.score))
    rows = [{"unit_id": a, "region": region[a], "other_unit_id": b, "other_region": region[b], "score": s,
             "text": _short(text[a], chars), "other_text": _short(text[b], chars)} for (a, b), s in pairs.items()]
    out = pd.DataFrame(rows, columns=["unit_id", "region", "other_unit_id", "other_region", "score", "text",
                                      "other_text"])
    return out.sort_values(["score", "unit_id", "other_unit_id"], ascending=[False, True, True]).reset_index(drop=True)



# --- shared formulations ----------------------------------------------------------------------
FORMULATION_COLUMNS = ["formulation_id", "phrase", "length", "category", "distinctiveness", "n_docs", "regions",
                       "first_region", "first_date", "adopters", "unit_ids"]
_MARK = "background:#fff2a8;padding:0 1px"
_SENTENCE_END = "。；;！!？?\n"


def formulations(shared_formulations: pd.DataFrame, documents: pd.DataFrame,
                 categories: tuple[str, ...] = ("substantive",), labels: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per shared formulation of the given categories, the most distinctive and longest first:
    the phrase, the regions printing it (document order), the first region by date ('same date' when
    several share the earliest), the adopters, and each occurrence's unit."""
    labels = labels or {}
    region_of = dict(zip(documents["doc_id"], documents["region"]))
    f = shared_formulations[shared_formulations["category"].isin(categories)]
    rows = []
    for fid, g in f.groupby("formulation_id", sort=False):
        r = g.iloc[0]
        firsts = [d for d in str(r.first_doc).split(";") if d]
        rows.append({
            "formulation_id": fid, "phrase": r.phrase, "length": int(r.length), "category": r.category,
            "distinctiveness": float(r.distinctiveness), "n_docs": int(r.n_docs),
            "regions": ", ".join(labels.get(x, x) for x in str(r.regions).split(";")),
            "first_region": ", ".join(labels.get(region_of.get(d, d), region_of.get(d, d)) for d in firsts)
            if len(firsts) == 1 else "same date: " + ", ".join(labels.get(region_of.get(d, d), d) for d in firsts),
            "first_date": r.first_date,
            "adopters": ", ".join(dict.fromkeys(labels.get(x, x) for x in g[g["role"] == "adopter"]["region"])),
            "unit_ids": ", ".join(dict.fromkeys(g["unit_id"]))})
    out = pd.DataFrame(rows, columns=FORMULATION_COLUMNS)
    out = out.assign(_n=out["formulation_id"].map(_passage_number))
    return (out.sort_values(["distinctiveness", "length", "_n"], ascending=[False, False, True])
            .drop(columns="_n").reset_index(drop=True))


def sentence_around(raw: str, start: int, end: int, limit: int = 80) -> tuple[int, int]:
    """Raw offsets of the sentence holding raw[start:end]: back to the previous and on to the next
    sentence end (。；！？ or a line break), at most `limit` characters each way."""
    lo = start
    while lo > 0 and start - lo < limit and raw[lo - 1] not in _SENTENCE_END:
        lo -= 1
    hi = end
    while hi < len(raw) and hi - end < limit and raw[hi] not in _SENTENCE_END:
        hi += 1
    if hi < len(raw) and raw[hi] in "。；;！!？?":
        hi += 1
    return lo, hi


def formulations_side_by_side(shared_formulations: pd.DataFrame, texts: dict[str, str], documents: pd.DataFrame,
                              n: int = 12, categories: tuple[str, ...] = ("substantive",),
                              labels: dict[str, str] | None = None) -> str:
    """HTML: the `n` most distinctive formulations, each with the sentence it stands in in every
    region that prints it (its first occurrence there), the phrase marked, first user named.
    `texts`: region -> raw text (`raw_texts`); the raw slices are checked against the table."""
    labels = labels or {}
    view = formulations(shared_formulations, documents, categories, labels).head(n)
    if view.empty:
        return "<p><em>No shared formulations.</em></p>"
    blocks = []
    for v in view.itertuples():
        g = shared_formulations[shared_formulations["formulation_id"] == v.formulation_id]
        cols = []
        for _, occ in g.groupby("region", sort=False):
            o = occ.sort_values("char_start").iloc[0]
            raw = texts[o.region]
            if raw[o.char_start:o.char_end] != o.text:
                raise SourceError(o.doc_id, f"formulation {v.formulation_id} does not match the raw text; "
                                            "run python -m analysis build")
            lo, hi = sentence_around(raw, int(o.char_start), int(o.char_end))
            sentence = (html.escape(_strip(raw[lo:o.char_start])) + f"<mark style=\"{_MARK}\">"
                        + html.escape(_strip(o.text)) + "</mark>" + html.escape(_strip(raw[o.char_end:hi])))
            more = f" (+{len(occ) - 1} more)" if len(occ) > 1 else ""
            cols.append(f"<div style=\"{_COL}\"><div style=\"{_HEAD}\">{html.escape(labels.get(o.region, o.region))}"
                        f" · {html.escape(o.date)} · {html.escape(o.role)} · <code>{html.escape(o.unit_id)}</code>"
                        f"{more}</div><div>{sentence}</div></div>")
        head = (f"<div style=\"{_HEAD}\"><b>{html.escape(v.formulation_id)}</b> · <b>{html.escape(v.phrase)}</b> · "
                f"{v.length} characters · distinctiveness {v.distinctiveness:.2f} · first: "
                f"{html.escape(v.first_region)} ({html.escape(str(v.first_date))})</div>")
        blocks.append(f"<div style=\"{_BOX}\">{head}<div style=\"display:flex;gap:1.2em\">{''.join(cols)}</div></div>")
    return "\n".join(blocks)


def formulation_counts(shared_formulations: pd.DataFrame) -> dict[str, int]:
    """Formulations per category, and in all (for the notebook's text)."""
    per = shared_formulations.drop_duplicates("formulation_id")["category"].value_counts()
    return {"all": int(shared_formulations["formulation_id"].nunique()), **{k: int(v) for k, v in per.items()}}


# --- templates --------------------------------------------------------------------------------
TEMPLATE_COLUMNS = ["template_doc", "doc_id", "status", "order", "unit_id", "template_order", "template_unit", "moved",
                    "score", "shared_chars", "text", "template_text"]


def template_view(template_alignment: pd.DataFrame, chars: int = 60) -> pd.DataFrame:
    """The template alignment for reading: per (template, document), the aligned pairs in the
    document's order, then the added tasks, then the template tasks left out; texts shortened."""
    ta = template_alignment
    if ta.empty:
        return pd.DataFrame(columns=TEMPLATE_COLUMNS)
    rank = {"aligned": 0, "added": 1, "omitted": 2}
    out = ta.assign(_s=ta["status"].map(rank), _o=ta["order"].fillna(0).astype(int),
                    _t=ta["template_order"].fillna(0).astype(int))
    out = out.sort_values(["template_doc", "doc_id", "_s", "_o", "_t"], kind="stable")
    out = out.assign(text=out["text"].map(lambda s: _short(s, chars)),
                     template_text=out["template_text"].map(lambda s: _short(s, chars)))
    return out[TEMPLATE_COLUMNS].reset_index(drop=True)


def template_summary(template_alignment: pd.DataFrame) -> pd.DataFrame:
    """Per (template, document): tasks adapting template tasks, of them moved, added, left out."""
    cols = ["template_doc", "doc_id", "aligned", "moved", "added", "omitted"]
    if template_alignment.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for (t, d), g in template_alignment.groupby(["template_doc", "doc_id"], sort=False):
        rows.append({"template_doc": t, "doc_id": d, "aligned": int((g["status"] == "aligned").sum()),
                     "moved": int(g["moved"].astype(bool).sum()), "added": int((g["status"] == "added").sum()),
                     "omitted": int((g["status"] == "omitted").sum())})
    return pd.DataFrame(rows, columns=cols)
