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

from analysis.errors import SourceError, line_col
from analysis.extraction import document
from analysis.reading import layouts, normalizers, repairs
from analysis.reading.agencies import load_dictionary
from analysis.reading.manifest import DocumentMeta
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

    @property
    def n_with_agency(self) -> int:
        return len({a.unit_id for a in self.result.norm.agencies}) if self.result else -1


def candidates(family: str | None, raw_params: dict) -> list[tuple[str, object]]:
    """(family, params) to try: the one asked for, or those the build's layout detection tries."""
    if family:
        return [(family, normalizers.make_params(family, raw_params))]
    return layouts.candidates()


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
    best = max(attempts, key=lambda a: (a.result is not None, a.n_with_agency, a.n_tasks, -len(a.gaps)))
    lines.append("")
    if best.result is None:
        lines += _failure(raw.text, best)
    else:
        lines += _reading(best, limit)
        lines += ["", "proposed manifest entry (check each value against the document; family and params may be "
                      "left out: the build finds the layout):", ""]
        lines += proposed_entry(path, raw.text, best.result)
    return "\n".join(lines)


_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ISO = re.compile(r"(?:发布(?:时间|日期)|日期)[:：]?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_ISSUER = re.compile(r"^[\u4e00-\u9fff]{2,30}?(人民政府办公厅|人民政府办公室|人民政府|领导小组|领导小组办公室|办公厅|卫生健康委员会)$")
_LEVEL_OF = (("国务院", "national"), ("自治区", "provincial"), ("省", "provincial"), ("县", "county"),
             ("旗", "county"), ("区人民政府", "county"), ("市", "prefecture"), ("州", "prefecture"), ("盟", "prefecture"))


def proposed_entry(path: Path, text: str, result) -> list[str]:
    """A manifest entry for the document, its metadata read from the text."""
    units = result.norm.units
    head = [text[u.char_start:u.char_end].strip() for u in units if u.kind in ("title", "metadata", "notice")]
    titles = [t for t in head if ("任务" in t or "工作" in t or "要点" in t) and len(t) <= 80]
    title = max(titles, key=len) if titles else (head[0] if head else "")
    if m := re.search(r"《(.+?)》", title) or re.search(r"关于印发(.+?)的通知", title):
        title = m.group(1)
    issuer = next((t for t in [*head, *(text[u.char_start:u.char_end].strip() for u in units if u.kind == "metadata")]
                   if _ISSUER.match(t)), "")
    number = _DOC_NUMBER.search(text[:3000])
    issued = _DATE.search(text[:3000]) or _DATE.search(text[-400:])
    published = _ISO.search(text[:3000])
    level = next((lv for word, lv in _LEVEL_OF if word in issuer), result.meta.level)
    region_zh = re.sub(r"(人民政府|办公厅|办公室|领导小组|卫生健康委员会).*$", "", issuer)
    if region_zh in load_dictionary().municipalities:
        level = "provincial"
    years = re.findall(r"(20\d\d|19\d\d)年", title)
    year = int(years[0]) if years else result.meta.year
    stem = re.sub(r"[^a-z0-9_-]", "", Path(path).stem.lower()) or "region"
    region = re.sub(r"-?\d{4}$", "", stem) or stem

    def iso(m):
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""

    def q(v):
        return f'"{v}"' if v == "" or re.search(r"[:#{}\[\],&*?|<>=!%@`'\"]", v) else v

    entry = [f"  - file: {Path(path).name}", f"    region: {region}", f"    year: {year}", f"    level: {level}",
             f"    region_zh: {q(region_zh)}", f"    title: {q(title)}", f"    issuer: {q(issuer)}",
             f"    doc_number: {q(number.group(0) if number else '')}", f"    issued_on: {q(iso(issued))}",
             f"    published_on: {q(iso(published))}", f"    sha256: {result.sha256}"]
    return entry


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
