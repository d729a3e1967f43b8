"""How far the automatic topic coding agrees with hand coding, and why a unit got its codes.

`python -m analysis topics --agreement [--held-out]` prints, in this order:

1. Leave-one-document-out (the headline): each shipped document coded by a model fitted without
   its hand codes (the probabilities `topics --train` stored beside the model), against
   tests/fixtures/topics/second_reading.csv (all 284 units) and reference.csv (100 tasks):
   accuracy, accuracy forgiving a defensible alternative (alt_primary), Cohen's kappa, per-topic
   F1. The lexicon is hand-written with knowledge of the five documents and cannot be refitted,
   so even this figure is optimistic for the lexicon's part; hence 2.
2. With --held-out: the held-out sets tests/fixtures/genre, genre2, genre3 (documents the project
   was never tuned on, each built alone), the share of key tasks whose primary topic is the blind
   coder's primary or one of their defensible alternatives.
3. In-sample, labelled so: the shipped coding (no overrides) against both references.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

import numpy as np

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


def lodo_primary(lodo: dict[str, list[float]], codes: list[str]) -> tuple[pd.Series, pd.Series]:
    """Leave-one-document-out primary topic and its probability, per unit."""
    ids = list(lodo)
    p = np.array([lodo[u] for u in ids]).reshape(len(ids), len(codes))
    return (pd.Series([codes[j] for j in p.argmax(1)], index=ids, dtype=object),
            pd.Series(p.max(1) if len(ids) else [], index=ids, dtype=float))


def _line(a: Agreement) -> str:
    return (f"  units {a.n}  accuracy {a.accuracy:.3f}  forgiving alt_primary {a.forgiving:.3f}"
            f"  Cohen's kappa {a.kappa:.3f}  macro F1 {a.macro_f1:.3f}")


def lodo_section(tables: dict[str, pd.DataFrame], coder: TopicCoder) -> list[str]:
    from analysis.topics import training
    from analysis.topics.coder import load_confidence
    from analysis.topics.model import MODEL_FILE, load_lodo, load_model

    model = load_model()
    current = training.fingerprint(training.examples(tables, coder), training.load_settings(), coder.codebook.codes)
    if current != model.fingerprint:
        raise SourceError(MODEL_FILE, "stale: the lexicon, the model settings, the hand codings or the overrides "
                                      "changed since it was trained; rerun python -m analysis topics --train")
    auto, prob = lodo_primary(load_lodo(), model.settings["topics"])
    second, reference = load_coding(SECOND_READING), load_coding(REFERENCE)
    a, r = compare("", second, auto), compare("", reference, auto)
    high = prob >= load_confidence()
    right = pd.Series({u: auto[u] in (second.loc[u, "primary"], second.loc[u, "alt_primary"]) for u in auto.index})
    lines = ["LEAVE-ONE-DOCUMENT-OUT (the headline: each document coded by a model fitted without its hand codes)",
             "against the second reading (all units, independent coders):", _line(a),
             "against the reference sample (hand-coded):", _line(r),
             f"calibration (temperature {model.temperature:.2f}, fitted on these out-of-document scores): "
             f"{int(high.sum())} high-confidence primaries, forgiving accuracy {right[high].mean():.3f}, "
             f"mean probability {prob[high].mean():.3f}; {int((~high).sum())} low, forgiving accuracy "
             f"{right[~high].mean():.3f}, mean probability {prob[~high].mean():.3f}",
             "per document (forgiving, against the second reading): " + ", ".join(
                 f"{d} {right[[u for u in right.index if u.split(':')[0] == d]].mean():.3f}"
                 for d in dict.fromkeys(u.split(":")[0] for u in right.index)),
             "per topic, against the second reading:",
             a.per_topic.to_string(index=False, float_format=lambda x: f"{x:.2f}"),
             "note: the lexicon (data/taxonomy/topics.yml) was written by someone who had read all five documents and",
             "is not refitted per fold, so this figure is still optimistic; the held-out sets (--held-out) are the test."]
    return lines


HELD_OUT = [PROJECT_ROOT / "tests" / "fixtures" / name for name in ("genre", "genre2", "genre3")]


def held_out_keys(folder: Path) -> dict[str, list[list[str]]]:
    """file -> per key task, [primary, alternatives...]: topics.csv when the folder has one, else the yml's `topics`."""
    import csv

    import yaml

    table: dict[str, list[list[str]]] = {}
    if (folder / "topics.csv").exists():
        with open(folder / "topics.csv", encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                table.setdefault(row["file"], []).append(
                    [row["primary"]] + [a for a in row["alternatives"].split(";") if a.strip()])
        return table
    for key_path in sorted(folder.glob("*.yml")):
        key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
        table[key["file"]] = [list(task.get("topics") or []) for task in key["tasks"]]
    return table


def held_out_agreement(folder: Path, coder: TopicCoder) -> dict:
    """Each document built alone (analysis.extraction.held_out) and coded; key tasks matched to units the
    way the extraction scores match them. n: key tasks; matched: reached the tables; defensible: of those,
    the primary is the blind coder's primary or a listed alternative; misses: (file, marker, ours, theirs)."""
    from analysis.extraction import held_out
    from analysis.topics import table as topics

    keys = held_out_keys(folder)
    out = {"set": folder.name, "n": 0, "matched": 0, "strict": 0, "defensible": 0, "misses": []}
    for key_path in sorted(folder.glob("*.yml")):
        key, _, t = held_out.build_alone(key_path)
        coded = keys.get(key["file"])
        if coded is None or len(coded) != len(key["tasks"]):
            raise SourceError(folder / "topics.csv", f"{key['file']}: {len(coded or [])} topic rows for "
                                                     f"{len(key['tasks'])} key tasks")
        out["n"] += len(key["tasks"])
        if t is None:
            continue
        tt, _ = topics.code(t, overrides=None, coder=coder)
        primary = tt[tt.is_primary].set_index("unit_id")["topic"]
        for task, unit, accepted in zip(key["tasks"], held_out.match_tasks(key, t["units"]), coded):
            if unit is None or unit not in primary.index:
                continue
            out["matched"] += 1
            out["strict"] += primary[unit] == accepted[0]
            if primary[unit] in accepted:
                out["defensible"] += 1
            else:
                out["misses"].append((key["file"], task["marker"], primary[unit], ";".join(accepted)))
    return out


def held_out_section(coder: TopicCoder, verbose: bool = False, folders: list[Path] = HELD_OUT) -> list[str]:
    lines = ["HELD-OUT (documents the project was never tuned on, each built alone; blind topic codes)"]
    total = {"n": 0, "matched": 0, "strict": 0, "defensible": 0}
    misses = []
    for folder in folders:
        h = held_out_agreement(folder, coder)
        for k in total:
            total[k] += h[k]
        misses += [(folder.name, *m) for m in h["misses"]]
        lines.append(f"  {h['set']:<8} key tasks {h['n']:>4}, reached the tables {h['matched']:>4}: primary defensible "
                     f"{h['defensible'] / max(1, h['matched']):.3f}, the blind coder's primary "
                     f"{h['strict'] / max(1, h['matched']):.3f}")
    lines.append(f"  all      key tasks {total['n']:>4}, reached the tables {total['matched']:>4}: primary defensible "
                 f"{total['defensible'] / max(1, total['matched']):.3f}, the blind coder's primary "
                 f"{total['strict'] / max(1, total['matched']):.3f}")
    if verbose:
        lines += ["  not defensible (set, file, marker, ours, theirs):"] + [f"    {m}" for m in misses]
    return lines


def report(task_topics: pd.DataFrame, scores: dict[str, UnitScore], coder: TopicCoder, verbose: bool = False,
           held_out: bool = False, tables: dict[str, pd.DataFrame] | None = None) -> str:
    lines = lodo_section(tables, coder) if tables is not None else []
    if held_out:
        lines += [""] + held_out_section(coder, verbose)
    auto = task_topics[task_topics["is_primary"]].set_index("unit_id")["topic"]
    reference, second = load_coding(REFERENCE), load_coding(SECOND_READING)
    results = [compare("reference sample (hand-coded, tests/fixtures/topics/reference.csv)", reference, auto),
               compare("second reading (all units, independent coders)", second, auto)]
    lines += ["", "IN-SAMPLE (the shipped coding, model trained on these very codes; fit, not skill)",
              f"automatic coding of {len(auto)} units; methods: "
              + ", ".join(f"{k} {v}" for k, v in task_topics[task_topics.is_primary].method.value_counts().items())
              + f"; low-confidence primaries {int((task_topics.is_primary & (task_topics.confidence == 'low')).sum())}"]
    for a in results:
        lines += [a.name, _line(a)]
    inter = compare("", reference, second["primary"])
    lines += [f"between the two hand codings ({inter.n} shared units): accuracy {inter.accuracy:.3f}, "
              f"kappa {inter.kappa:.3f}"]
    sp, sr, n_ours, n_theirs = secondary_agreement(task_topics, second)
    lines += [f"secondary codes against the second reading: ours {n_ours}, theirs {n_theirs}, "
              f"precision {sp:.2f}, recall {sr:.2f} (which mentions count as substantive is a judgement call)"]
    ref = results[0]
    lines += ["per topic, in-sample, against the reference sample:",
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
                     f"  share {r['share']:.2f}  probability {r['probability']:.3f}  method {r['method']}"
                     f"  CAP {r['cap_subtopic']}")
        lines.append(f"            evidence: {r['evidence'] or '-'}")
    first = task_topics[task_topics["unit_id"] == unit_id].iloc[0]
    lines.append(f"  model's top three: " + ", ".join(f"{first[f'top{k}']} {first[f'top{k}_p']:.3f}" for k in (1, 2, 3)
                                                     if first[f"top{k}"]) + f"  (confidence {first['confidence']})")
    rest = sorted(set(us.hits) - set(task_topics.loc[task_topics["unit_id"] == unit_id, "topic"]),
                  key=lambda t: -(us.text_score(t) + us.context_score(t)))
    if rest:
        lines += ["", "other topics signalled (below the secondary threshold, or only in headings):"]
        for t in rest:
            hits = "; ".join(f"{h.term} [{h.zone}] +{h.points:g}" for h in us.hits[t])
            lines.append(f"  {t}: text {us.text_score(t):g}, headings {us.context_score(t):g} — {hits}")
    return "\n".join(lines)
