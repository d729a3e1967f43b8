"""Agreement of the build with an independent reading of the documents (precision, recall, F1).

    python -m analysis.extraction.agreement [-v] [READING_DIR]

READING_DIR (default tests/fixtures/reading) holds one YAML per region, written by a reader
who did not see the code: tasks with their agencies (function, role), targets and deadlines.
Agencies are compared as (unit, function, role), targets as (unit, value, value_max), deadlines
as (unit, date), each a multiset.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from analysis import PROJECT_ROOT

READING = PROJECT_ROOT / "tests" / "fixtures" / "reading"


def unit_id(region: str, gid: str) -> str:
    if region == "qinghai" and not gid.startswith("("):
        gid = f"({gid})"
    if region == "shaoxing" and gid == "goal-intro":
        gid = "goal"
    return f"{region}:{gid}"


def reading_sets(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    region = data["region"]
    ag, tg, dl = Counter(), Counter(), Counter()
    for u in data["units"]:
        uid = unit_id(region, str(u["id"]))
        for a in u.get("agencies") or []:
            ag[(uid, a["function"], a["role"])] += 1
        for t in u.get("targets") or []:
            vmax = t.get("value_max")
            tg[(uid, float(t["value"]), None if vmax in (None, "") else float(vmax))] += 1
        for d in u.get("deadlines") or []:
            dl[(uid, str(d["date"]))] += 1
    return region, ag, tg, dl


def built_sets(t, region):
    ta = t["task_agencies"][t["task_agencies"].region == region]
    tg = t["targets"][t["targets"].region == region]
    dl = t["deadlines"][t["deadlines"].region == region]
    ag = Counter((r.unit_id, r.function, r.role) for r in ta.itertuples())
    tgs = Counter((r.unit_id, float(r.value), None if r.value_max != r.value_max or r.value_max is None
                   else float(r.value_max)) for r in tg.itertuples())
    dls = Counter((r.unit_id, r.date) for r in dl.itertuples())
    return ag, tgs, dls


def prf(gold: Counter, got: Counter):
    hit = sum((gold & got).values())
    p = hit / max(1, sum(got.values()))
    r = hit / max(1, sum(gold.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scores(t, folder: Path = READING) -> dict[str, tuple[float, float, float]]:
    """(precision, recall, F1) over all regions for agencies, targets and deadlines."""
    totals = {k: [Counter(), Counter()] for k in ("agencies", "targets", "deadlines")}
    for path in sorted(Path(folder).glob("*.yml")):
        region, *gold = reading_sets(path)
        for name, g, b in zip(totals, gold, built_sets(t, region)):
            totals[name][0] += g
            totals[name][1] += b
    return {name: prf(g, b) for name, (g, b) in totals.items()}


def main(folder: Path = READING, verbose: bool = False) -> None:
    from analysis.build import build_tables

    t = build_tables(code_topics=False)  # scores extraction only
    totals = {k: [Counter(), Counter()] for k in ("agencies", "targets", "deadlines")}
    print(f"{'region':<10}{'what':<11}{'P':>7}{'R':>7}{'F1':>7}   reading/built")
    for path in sorted(Path(folder).glob("*.yml")):
        region, *gold = reading_sets(path)
        got = built_sets(t, region)
        for name, g, b in zip(totals, gold, got):
            p, r, f = prf(g, b)
            totals[name][0] += g
            totals[name][1] += b
            print(f"{region:<10}{name:<11}{p:7.3f}{r:7.3f}{f:7.3f}   {sum(g.values())}/{sum(b.values())}")
            if verbose:
                for k in sorted((g - b).elements(), key=str):
                    print("    missing ", k)
                for k in sorted((b - g).elements(), key=str):
                    print("    extra   ", k)
    for name, (g, b) in totals.items():
        p, r, f = prf(g, b)
        print(f"{'ALL':<10}{name:<11}{p:7.3f}{r:7.3f}{f:7.3f}   {sum(g.values())}/{sum(b.values())}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    main(Path(args[0]) if args else READING, verbose="-v" in sys.argv)
