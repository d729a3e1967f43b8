"""How the build reads documents it was not tuned for, against answer keys written by a reader.

    python -m analysis.extraction.held_out [FOLDER]   (default tests/fixtures/genre)

FOLDER holds NN-slug.txt documents and NN-slug.yml keys (file, level, region, year, tasks with
marker, starts_with, agencies {name, role}, deadlines {date}, targets {value, comparator}). Each
document is built alone from a manifest entry holding only file, region, year and level (no
family, no params) with the shipped dictionaries unedited, as a new user would. Prints per
document and overall: the share of key tasks that reached the tables, and precision, recall and
F1 of agencies (name and role), deadlines (date) and targets (value and comparator), each task
matched by the first characters of its text.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from analysis import PROJECT_ROOT

GENRE = PROJECT_ROOT / "tests" / "fixtures" / "genre"


def _prf(gold: Counter, got: Counter) -> tuple[float, float, float]:
    hit = sum((gold & got).values())
    p = hit / max(1, sum(got.values()))
    r = hit / max(1, sum(gold.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _marker_free(text: str) -> str:
    import re

    from analysis.reading.agencies import squeeze

    t = re.sub(r"^\s*(?:[(（]?[一二三四五六七八九十百\d]+[)）]|[一二三四五六七八九十百\d]+[、.．]|[①-⑳])", "", text)
    return squeeze(t)


def build_alone(key_path: Path, code_topics: bool = False):
    """(key, build results, tables) of one held-out document built alone from metadata only;
    (key, the one-line error, None) when the build refuses it."""
    from analysis import build     # the build sits on top; the evaluation calls it as a user would
    from analysis.errors import SourceError

    key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
    doc = key_path.parent / key["file"]
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        (raw / key["file"]).write_bytes(doc.read_bytes())
        entry = {k: key[k] for k in ("file", "region", "year", "level")}
        (raw / "documents.yml").write_text(yaml.safe_dump({"documents": [entry]}, allow_unicode=True), "utf-8")
        try:
            results = build.build_all(raw / "documents.yml", raw)
        except SourceError as exc:
            return key, str(exc).replace(str(raw) + "/", ""), None
    return key, results, build.assemble_tables(results, overrides=None, code_topics=code_topics)


def match_tasks(key: dict, units) -> list[str | None]:
    """The built task unit_id of each key task (None when not found): the first unused task whose
    text, numbering dropped, starts with the key's `starts_with`."""
    from analysis.reading.agencies import squeeze

    tasks = units[units.kind == "task"]
    built = [(u, _marker_free(text)) for u, text in zip(tasks.unit_id, tasks.text)]
    used: set[str] = set()
    out: list[str | None] = []
    for task in key["tasks"]:
        start = squeeze(str(task["starts_with"]))
        match = next((u for u, text in built if u not in used and text.startswith(start)), None)
        if match is not None:
            used.add(match)
        out.append(match)
    return out


def score_document(key_path: Path) -> dict:
    from analysis.reading.agencies import squeeze

    key, results, t = build_alone(key_path)
    if t is None:
        return {"name": key_path.stem, "error": str(results), "tasks": len(key["tasks"])}
    built_tasks = int((t["units"].kind == "task").sum())
    gold = {k: Counter() for k in ("agencies", "deadlines", "targets")}
    got = {k: Counter() for k in gold}
    found = 0
    ta, dl, tg = t["task_agencies"], t["deadlines"], t["targets"]
    for i, (task, match) in enumerate(zip(key["tasks"], match_tasks(key, t["units"]))):
        for a in task.get("agencies") or []:
            gold["agencies"][(i, squeeze(a["name"]), a["role"])] += 1
        for d in task.get("deadlines") or []:
            gold["deadlines"][(i, str(d["date"]))] += 1
        for g in task.get("targets") or []:
            gold["targets"][(i, float(g["value"]), g["comparator"])] += 1
        if match is None:
            continue
        found += 1
        for r in ta[ta.unit_id == match].itertuples():
            got["agencies"][(i, squeeze(r.raw), r.role)] += 1
        for r in dl[dl.unit_id == match].itertuples():
            got["deadlines"][(i, r.date)] += 1
        for r in tg[tg.unit_id == match].itertuples():
            got["targets"][(i, float(r.value), r.comparator)] += 1
    out = {"name": key_path.stem, "tasks": len(key["tasks"]), "found": found, "built_tasks": built_tasks,
           "layout": results[0].layout_note.split(" (tried")[0]}
    for k in gold:
        out[k] = (gold[k], got[k])
    return out


def scores(folder: Path = GENRE) -> tuple[list[dict], dict]:
    """Per-document rows and the totals: share of tasks found, (P, R, F1) per field."""
    rows = [score_document(p) for p in sorted(Path(folder).glob("*.yml"))]
    total = {k: [Counter(), Counter()] for k in ("agencies", "deadlines", "targets")}
    n_tasks = n_found = 0
    for r in rows:
        n_tasks += r["tasks"]
        if "error" in r:
            continue
        n_found += r["found"]
        for k in total:
            g, b = r[k]
            total[k][0] += Counter({(r["name"], *key): v for key, v in g.items()})
            total[k][1] += Counter({(r["name"], *key): v for key, v in b.items()})
    summary = {"tasks_found": n_found / max(1, n_tasks), **{k: _prf(g, b) for k, (g, b) in total.items()}}
    return rows, summary


def main() -> int:
    rows, summary = scores(Path(sys.argv[1]) if len(sys.argv) > 1 else GENRE)
    print(f"{'document':<32}{'tasks':>11}  {'agencies F1':>11} {'deadlines F1':>12} {'targets F1':>10}  layout")
    for r in rows:
        if "error" in r:
            print(f"{r['name']:<32}{0:>4}/{r['tasks']:<4}  error: {r['error'][:120]}")
            continue
        f1s = [_prf(*r[k])[2] for k in ("agencies", "deadlines", "targets")]
        print(f"{r['name']:<32}{r['found']:>4}/{r['tasks']:<4} (built {r['built_tasks']:>3})"
              f"  {f1s[0]:>8.3f} {f1s[1]:>12.3f} {f1s[2]:>10.3f}  {r['layout']}")
    n_tasks = sum(r["tasks"] for r in rows)
    print(f"\ntasks reaching the tables: {round(summary['tasks_found'] * n_tasks)}/{n_tasks} = {summary['tasks_found']:.1%}")
    for k in ("agencies", "deadlines", "targets"):
        p, rr, f = summary[k]
        print(f"{k:<10} precision {p:.3f}  recall {rr:.3f}  F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
