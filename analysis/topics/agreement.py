"""How far the automatic topic coding agrees with hand coding, and why a unit got its codes.

`python -m analysis topics --agreement` scores the automatic coding (no overrides) against
tests/fixtures/topics/reference.csv (100 tasks hand-coded with reasons) and second_reading.csv
(an independent coding of all 284 units): accuracy, accuracy forgiving a defensible alternative,
Cohen's kappa, per-topic precision/recall/F1. It also scores the fallback classifier on the
reference sample, trained on every other unit, so the figure is never measured on training rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from analysis import PROJECT_ROOT
from analysis.errors import SourceError
from analysis.topics.codebook import load_codebook
from analysis.topics.coder import TopicCoder, UnitScore

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "topics"
REFERENCE = FIXTURES / "reference.csv"
SECOND_READING = FIXTURES / "second_reading.csv"


@dataclass
class Agreement:
    name: str
    n: int
    accuracy: float
    forgiving: float
    kappa: float
    macro_f1: float
    per_topic: pd.DataFrame
    misses: pd.DataFrame


def load_coding(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise SourceError(path, f"cannot read coding ({exc})") from None
    for col in ("unit_id", "primary"):
        if col not in df.columns:
            raise SourceError(path, f"missing column '{col}'", 1)
    if "alt_primary" not in df.columns:
        df["alt_primary"] = ""
    return df.set_index("unit_id")


def compare(name: str, coding: pd.DataFrame, auto_primary: pd.Series) -> Agreement:
    """`auto_primary`: unit_id -> automatic primary topic."""
    m = coding.join(auto_primary.rename("auto"), how="inner")
    exact = m["primary"] == m["auto"]
    forgiving = exact | (m["auto"] == m["alt_primary"])
    labels = [c for c in load_codebook().codes if c in set(m["primary"]) | set(m["auto"])]
    p, r, f, s = precision_recall_fscore_support(m["primary"], m["auto"], labels=labels, zero_division=0)
    per_topic = pd.DataFrame({"topic": labels, "precision": p, "recall": r, "f1": f, "support": s})
    return Agreement(name, len(m), exact.mean(), forgiving.mean(), cohen_kappa_score(m["primary"], m["auto"]),
                     per_topic.loc[per_topic.support > 0, "f1"].mean(), per_topic,
                     m.loc[~exact, ["primary", "alt_primary", "auto"]])


def secondary_agreement(task_topics: pd.DataFrame, coding: pd.DataFrame) -> tuple[float, float, int, int]:
    """Precision and recall of secondary codes; a coder's alt_primary counts as one of their secondaries."""
    def codes(row) -> set[str]:
        return {c for c in str(row.get("secondary", "")).split(";") + [row["alt_primary"]] if c} - {row["primary"]}

    theirs = {u: codes(row) for u, row in coding.iterrows()}
    tp = n_ours = n_theirs = 0
    for unit_id, g in task_topics.groupby("unit_id"):
        if unit_id not in theirs:
            continue
        ours = set(g.loc[~g["is_primary"], "topic"])
        primary = g.loc[g["is_primary"], "topic"].iloc[0]
        accepted = theirs[unit_id] | {coding.loc[unit_id, "primary"]}
        tp += len(ours & accepted)
        n_ours += len(ours)
        n_theirs += len(theirs[unit_id] - {primary})
    return tp / max(n_ours, 1), tp / max(n_theirs, 1), n_ours, n_theirs


def model_on_reference(task_topics: pd.DataFrame, scores: dict[str, UnitScore], reference: pd.DataFrame,
                       coder: TopicCoder) -> tuple[float, float, int]:
    """Accuracy and kappa of the fallback classifier on the reference, trained on all other units."""
    from analysis.topics.model import fit_predict

    prim = task_topics[task_topics["is_primary"] & (task_topics["method"] == "lexicon")]
    train = prim[~prim["unit_id"].isin(reference.index)]
    test = [u for u in reference.index if u in scores]
    preds = fit_predict(coder.segmenter.tokens, [scores[u].own_text for u in train["unit_id"]],
                        list(train["topic"]), [scores[u].own_text for u in test])
    got = pd.Series([p for p, _ in preds], index=test)
    truth = reference.loc[test, "primary"]
    return float((got == truth).mean()), float(cohen_kappa_score(truth, got)), len(train)


def report(task_topics: pd.DataFrame, scores: dict[str, UnitScore], coder: TopicCoder, verbose: bool = False) -> str:
    auto = task_topics[task_topics["is_primary"]].set_index("unit_id")["topic"]
    reference, second = load_coding(REFERENCE), load_coding(SECOND_READING)
    results = [compare("reference sample (hand-coded, tests/fixtures/topics/reference.csv)", reference, auto),
               compare("second reading (all units, independent coders)", second, auto)]
    lines = [f"automatic coding of {len(auto)} units; methods: "
             + ", ".join(f"{k} {v}" for k, v in task_topics[task_topics.is_primary].method.value_counts().items())]
    for a in results:
        lines += ["", a.name, f"  units {a.n}  accuracy {a.accuracy:.3f}  forgiving alt_primary {a.forgiving:.3f}"
                  f"  Cohen's kappa {a.kappa:.3f}  macro F1 {a.macro_f1:.3f}"]
    inter = compare("", reference, second["primary"])
    lines += ["", f"between the two hand codings ({inter.n} shared units): accuracy {inter.accuracy:.3f}, "
              f"kappa {inter.kappa:.3f}"]
    sp, sr, n_ours, n_theirs = secondary_agreement(task_topics, second)
    lines += [f"secondary codes against the second reading: ours {n_ours}, theirs {n_theirs}, "
              f"precision {sp:.2f}, recall {sr:.2f} (which mentions count as substantive is a judgement call)"]
    acc, kappa, n_train = model_on_reference(task_topics, scores, reference, coder)
    lines += [f"fallback classifier on the reference sample, trained on {n_train} other lexicon-coded units: "
              f"accuracy {acc:.3f}, kappa {kappa:.3f}"]
    ref = results[0]
    lines += ["", "per topic, against the reference sample:",
              ref.per_topic.to_string(index=False, float_format=lambda x: f"{x:.2f}")]
    if verbose:
        for a in results:
            lines += ["", f"disagreements, {a.name}:", a.misses.to_string() if len(a.misses) else "  none"]
    return "\n".join(lines)


def explain(unit_id: str, units: pd.DataFrame, task_topics: pd.DataFrame, us: UnitScore) -> str:
    unit = units.set_index("unit_id").loc[unit_id]
    lines = [f"{unit_id}  [{unit['kind']}]  {unit['doc_id']} chars {unit['char_start']}-{unit['char_end']}"
             f" (lines {unit['line_start']}-{unit['line_end']})", "", unit["text_clean"], "", "scored text:"]
    for zone, text in us.zones.items():
        if text:
            lines.append(f"  {zone:8} {text}")
    lines += ["", "codes:"]
    for _, r in task_topics[task_topics["unit_id"] == unit_id].iterrows():
        role = "primary  " if r["is_primary"] else "secondary"
        lines.append(f"  {role} {r['topic']} ({r['topic_zh']} / {r['topic_en']})  score {r['score']:g}"
                     f"  share {r['share']:.2f}  method {r['method']}")
        lines.append(f"            evidence: {r['evidence'] or '-'}")
    rest = sorted(set(us.hits) - set(task_topics.loc[task_topics["unit_id"] == unit_id, "topic"]),
                  key=lambda t: -(us.text_score(t) + us.context_score(t)))
    if rest:
        lines += ["", "other topics signalled (below the secondary threshold, or only in headings):"]
        for t in rest:
            hits = "; ".join(f"{h.term} [{h.zone}] +{h.points:g}" for h in us.hits[t])
            lines.append(f"  {t}: text {us.text_score(t):g}, headings {us.context_score(t):g} — {hits}")
    return "\n".join(lines)
