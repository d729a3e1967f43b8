"""The document manifest (data/raw/documents.yml): provenance and metadata, edited by researchers.

Required in an entry: `file`, `region` (a slug), `year`, `level` (national, provincial, prefecture,
county). Everything else is optional (`python -m analysis inspect FILE` proposes it): `doc_id`
defaults to region-year; without `family` the build finds the layout itself
(`analysis.reading.layouts`) and says which it chose. `template: true` marks a task list others
answer (`analysis.wording.templates` aligns each other document's tasks with it). A region may have several documents (one
per year, say): unit ids then start with the doc_id instead of the region.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from analysis.errors import SourceError
from analysis.reading import normalizers

LEVELS = ("national", "provincial", "prefecture", "county")
YEARS = (1949, 2100)
_SLUG = __import__("re").compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class DocumentMeta:
    region: str
    file: str
    level: str
    year: int
    doc_id: str = ""
    family: str = ""               # empty: the build finds the layout
    region_zh: str = ""
    region_en: str = ""
    province: str = ""
    province_en: str = ""
    title: str = ""
    title_en: str = ""
    issuer: str = ""
    issuer_en: str = ""
    doc_number: str = ""
    issued_on: str = ""
    published_on: str = ""
    source_note: str = ""
    sha256: str = ""
    agency_prefix: str = ""
    template: bool = False         # a national or provincial task list others answer (analysis.wording.templates)
    params: object = None          # the family's Params, built from the entry's `params` mapping
    line: int | None = field(default=None, compare=False)   # where the entry starts in the manifest
    unit_prefix: str = ""          # what unit ids start with: the region, or the doc_id when a region has several

    def raw_path(self, raw_dir: Path) -> Path:
        return Path(raw_dir) / self.file

    @property
    def id_prefix(self) -> str:
        return self.unit_prefix or self.region


_REQUIRED = ("file", "region", "year", "level")
_DERIVED = ("params", "line", "unit_prefix")


def load_manifest(path: Path) -> list[DocumentMeta]:
    from analysis.config import read_yaml

    path = Path(path)
    if not path.exists():
        raise SourceError(path, "manifest not found")
    text, data = read_yaml(path)
    entries = data.get("documents") if isinstance(data, dict) else None
    if not entries:
        raise SourceError(path, "manifest lists no documents (expected a 'documents:' list)")
    if not isinstance(entries, list):
        raise SourceError(path, "'documents' must be a list of entries (each starting with '- ')")
    lines = _entry_lines(text)
    docs = [_entry(path, i, e, lines[i - 1] if i <= len(lines) else None) for i, e in enumerate(entries, 1)]
    _reject_duplicates(path, docs)
    return _with_unit_prefixes(docs)


def _entry_lines(text: str) -> list[int]:
    """1-based line where each entry of the documents list starts."""
    node = yaml.compose(text)
    for key, value in getattr(node, "value", []):
        if getattr(key, "value", None) == "documents" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _entry(path: Path, index: int, entry, line: int | None) -> DocumentMeta:
    if not isinstance(entry, dict):
        raise SourceError(path, f"document entry {index} is not a mapping", line)
    name = entry.get("doc_id") or entry.get("file") or f"entry {index}"
    if "normalizer" in entry and "family" not in entry:
        raise SourceError(path, f"document {name}: 'normalizer' is now 'family' with 'params' "
                                "(see docs/adding-a-document.md)", line)
    missing = [k for k in _REQUIRED if entry.get(k) in (None, "")]
    if missing:
        raise SourceError(path, f"document {name} lacks {', '.join(missing)} (required: {', '.join(_REQUIRED)})", line)
    known = {f.name for f in fields(DocumentMeta)} - set(_DERIVED)
    unknown = sorted(set(entry) - known - {"params"})
    if unknown:
        raise SourceError(path, f"document {name}: unknown field(s) {', '.join(unknown)}", line)
    values = {}
    for k in known:
        if k not in entry or entry[k] is None:
            continue
        v = entry[k]
        if k == "template":
            if not isinstance(v, bool):
                raise SourceError(path, f"document {name}: template must be true or false, not {v!r}"[:200], line)
        elif k == "year":
            if isinstance(v, bool) or not isinstance(v, int) or not YEARS[0] <= v <= YEARS[1]:
                raise SourceError(path, f"document {name}: year must be a whole number from {YEARS[0]} to "
                                        f"{YEARS[1]}, not {v!r}"[:200], line)
        elif isinstance(v, (dict, list, bool)):
            raise SourceError(path, f"document {name}: {k} must be text, not {type(v).__name__}", line)
        else:
            v = str(v)                      # dates and numbers YAML reads as such are kept as printed
        values[k] = v
    if values["level"] not in LEVELS:
        raise SourceError(path, f"document {name}: level must be one of {', '.join(LEVELS)}, not '{values['level']}'",
                          line)
    if not _SLUG.match(values["region"]):
        raise SourceError(path, f"document {name}: region must be a slug of lower-case letters, digits, - or _ "
                                f"(e.g. guangdong), not '{values['region']}'", line)
    values.setdefault("doc_id", f"{values['region']}-{values['year']}")
    family = values.get("family", "")
    if family and family not in normalizers.FAMILIES:
        raise SourceError(path, f"document {name}: unknown family '{family}' "
                                f"(known: {', '.join(normalizers.FAMILIES)}; or leave it out to detect the layout)", line)
    raw_params = entry.get("params") or {}
    if not isinstance(raw_params, dict):
        raise SourceError(path, f"document {name}: params must be a mapping", line)
    if raw_params and not family:
        raise SourceError(path, f"document {name}: params given without a family", line)
    if family:
        try:
            values["params"] = normalizers.make_params(family, raw_params)
        except (ValueError, TypeError) as exc:
            raise SourceError(path, f"document {name}: {exc}", line) from None
    return DocumentMeta(**values, line=line)


def _reject_duplicates(path: Path, docs: list[DocumentMeta]) -> None:
    for key in ("doc_id", "file"):
        seen: dict[str, DocumentMeta] = {}
        for d in docs:
            value = getattr(d, key)
            if value in seen:
                raise SourceError(path, f"documents {seen[value].doc_id} and {d.doc_id} share {key} '{value}'", d.line)
            seen[value] = d


def _with_unit_prefixes(docs: list[DocumentMeta]) -> list[DocumentMeta]:
    """Unit ids start with the region (yancheng:12); where a region has several documents, with
    the doc_id (qinghai-2021:(三)), so that every id stays unique and stable."""
    from collections import Counter
    from dataclasses import replace

    per_region = Counter(d.region for d in docs)
    return [replace(d, unit_prefix=d.doc_id) if per_region[d.region] > 1 else d for d in docs]
