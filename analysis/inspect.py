"""`python -m analysis inspect PATH [--family F] [--param K=V …]`: how a new document would be cut.

A newcomer's tool for writing the manifest entry. It reads the file as the build would, tries
the family given (or every family with the parameter sets the shipped documents use), and for
the reading that finds the most tasks prints the units by kind, the tasks with their agencies,
targets and deadlines, and any text no unit accounts for, marked ⟦like this⟧. When a family's
rule fails, it prints the rule's message and the lines around the place.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import MANIFEST
from analysis.errors import SourceError, line_col
from analysis.extraction import document
from analysis.reading import normalizers, repairs
from analysis.reading.manifest import DocumentMeta, load_manifest
from analysis.reading.normalizers.base import Document
from analysis.reading.source import read_raw
from analysis.reading.spans import uncovered

_PREFIXES = ("自治区", "省", "市")


@dataclass
class Attempt:
    family: str
    params: object
    result: document.DocResult | None = None
    error: SourceError | None = None
    gaps: list[tuple[int, int]] = field(default_factory=list)

    @property
    def n_tasks(self) -> int:
        return sum(u.kind == "task" for u in self.result.norm.units) if self.result else -1


def candidates(family: str | None, raw_params: dict) -> list[tuple[str, object]]:
    """(family, params) to try: the one asked for, or each family with the shipped documents' settings."""
    if family:
        return [(family, normalizers.make_params(family, raw_params))]
    seen, out = set(), []
    try:
        shipped = load_manifest(MANIFEST)
    except SourceError:
        shipped = []
    for meta in shipped:
        key = (meta.family, repr(meta.params))
        if key not in seen:
            seen.add(key)
            out.append((meta.family, meta.params))
    for fam in normalizers.FAMILIES:
        if not any(f == fam for f, _ in out):
            out.append((fam, normalizers.make_params(fam, {})))
    return out


def guess_meta(path: Path, text: str, family: str, params, year: int | None, prefix: str | None) -> DocumentMeta:
    years = re.findall(r"(20\d\d)年", text[:3000])
    year = year or (int(Counter(years).most_common(1)[0][0]) if years else 2024)
    if prefix is None:
        counts = {p: len(re.findall(f"{p}(卫生健康委|医保局|财政局|财政厅)", text)) for p in _PREFIXES}
        prefix = max(counts, key=counts.get) if any(counts.values()) else "市"
    stem = Path(path).stem
    return DocumentMeta(region=stem, doc_id=stem, file=Path(path).name, family=family, region_zh="", region_en=stem,
                        level="prefecture", province="", province_en="", year=year, title="", title_en="",
                        issuer="", issuer_en="", doc_number="", issued_on="", published_on="", source_note="",
                        agency_prefix=prefix, params=params)


def attempt(path: Path, raw, family: str, params, year: int | None, prefix: str | None) -> Attempt:
    meta = guess_meta(path, raw.text, family, params, year, prefix)
    doc = Document(meta, path, raw.text, meta.agency_prefix)
    out = Attempt(family, params)
    try:
        normalizers.normalize(doc, family, params)
    except SourceError as exc:
        out.error = exc
        return out
    norm = doc.out
    norm.repairs.extend(repairs.detect_generic(raw.text))
    norm.repairs.sort(key=lambda r: (r.char_start, r.char_end))
    result = document.DocResult(meta, path, raw.text, raw.sha256, norm, encoding=raw.encoding)
    out.gaps = uncovered(raw.text, norm.units)
    document.measure(result)
    out.result = result
    return out


def run(path: Path, family: str | None = None, raw_params: dict | None = None, year: int | None = None,
        prefix: str | None = None, limit: int = 12) -> str:
    path = Path(path)
    raw = read_raw(path)
    attempts = [attempt(path, raw, f, p, year, prefix) for f, p in candidates(family, raw_params or {})]
    lines = [f"{path}: {len(raw.text):,} characters, {raw.encoding}", ""]
    for a in attempts:
        verdict = f"{a.n_tasks} tasks" if a.result else f"fails: {a.error}"
        lines.append(f"  {a.family:<14} {_params_text(a.params):<60} {verdict}")
    best = max(attempts, key=lambda a: (a.result is not None, a.n_tasks, -len(a.gaps)))
    lines.append("")
    if best.result is None:
        lines += _failure(raw.text, best)
    else:
        lines += _reading(best, limit)
    return "\n".join(lines)


def _params_text(params) -> str:
    values = {k: v for k, v in vars(params).items()} if params is not None else {}
    return ", ".join(f"{k}={'/'.join(v) if isinstance(v, tuple) else v}" for k, v in values.items()) or "(no parameters)"


def _failure(text: str, a: Attempt) -> list[str]:
    out = [f"no family reads this document. Closest: {a.family} ({_params_text(a.params)})",
           f"rule failed: {a.error.message}"]
    if a.error.line:
        all_lines = text.split("\n")
        for no in range(max(1, a.error.line - 2), min(len(all_lines), a.error.line + 2) + 1):
            mark = ">>" if no == a.error.line else "  "
            out.append(f"{mark} {no:5d} | {all_lines[no - 1][:100]}")
    return out


def _reading(a: Attempt, limit: int) -> list[str]:
    r = a.result
    units = r.norm.units
    kinds = Counter(u.kind for u in units)
    out = [f"read as {a.family} ({_params_text(a.params)}); year {r.meta.year}, agency prefix {r.meta.agency_prefix}",
           "units by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
           f"repairs: {len(r.norm.repairs)}", ""]
    roles: dict[str, list[str]] = {}
    for row in r.norm.agencies:
        roles.setdefault(row.unit_id, []).append(f"{row.mention.agency.name_zh}[{row.role}]")
    tasks = [u for u in units if u.kind == "task"]
    out.append(f"tasks ({len(tasks)}; the first {min(limit, len(tasks))}):")
    for u in tasks[:limit]:
        line = line_col(r.text, u.char_start)[0]
        text = "".join(r.text[u.char_start:u.char_end].split())
        out.append(f"  {u.unit_id:<18} line {line:<5} {text[:50]}{'…' if len(text) > 50 else ''}")
        out.append(f"      agencies: {', '.join(roles.get(u.unit_id, [])) or '(none)'}")
        for t in r.targets.get(u.unit_id, []):
            out.append(f"      target: {t.metric} {t.comparator} {t.value}{t.unit}"
                       + (f" by {t.deadline.date}" if t.deadline else ""))
        for d in r.deadlines.get(u.unit_id, []):
            out.append(f"      deadline: {d.raw} -> {d.date}")
    n_targets = sum(len(v) for v in r.targets.values())
    n_deadlines = sum(len(v) for v in r.deadlines.values())
    out += ["", f"targets {n_targets}, deadlines {n_deadlines}, agency rows {len(r.norm.agencies)}"]
    out += _unaccounted(r.text, a.gaps)
    return out


def _unaccounted(text: str, gaps: list[tuple[int, int]]) -> list[str]:
    if not gaps:
        return ["unaccounted text: none (every character belongs to a unit)"]
    out = [f"unaccounted text: {sum(e - s for s, e in gaps)} characters in {len(gaps)} places"]
    for s, e in gaps[:10]:
        line = line_col(text, s)[0]
        start, end = max(0, s - 15), min(len(text), e + 15)
        shown = text[start:s] + "⟦" + text[s:e] + "⟧" + text[e:end]
        out.append(f"  line {line}: {' '.join(shown.split())}")
    return out


def parse_params(pairs: list[str]) -> dict:
    """K=V pairs from the command line, V read as YAML (lists as [a, b], booleans as true)."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise SourceError("--param", f"'{pair}' is not KEY=VALUE")
        out[key.strip()] = yaml.safe_load(value)
    return out
