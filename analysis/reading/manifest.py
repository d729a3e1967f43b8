"""The document manifest (data/raw/documents.yml): provenance and metadata, edited by researchers."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from analysis.errors import SourceError
from analysis.reading import normalizers

LEVELS = ("provincial", "prefecture")


@dataclass(frozen=True)
class DocumentMeta:
    region: str
    doc_id: str
    file: str
    family: str
    region_zh: str
    region_en: str
    level: str
    province: str
    province_en: str
    year: int
    title: str
    title_en: str
    issuer: str
    issuer_en: str
    doc_number: str
    issued_on: str
    published_on: str
    source_note: str
    sha256: str = ""
    agency_prefix: str = ""
    params: object = None          # the family's Params, built from the entry's `params` mapping
    line: int | None = field(default=None, compare=False)   # where the entry starts in the manifest

    def raw_path(self, raw_dir: Path) -> Path:
        return Path(raw_dir) / self.file


_OPTIONAL = ("sha256", "agency_prefix", "params", "line")
_REQUIRED = [f.name for f in fields(DocumentMeta) if f.name not in _OPTIONAL]


def load_manifest(path: Path) -> list[DocumentMeta]:
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "manifest not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise SourceError(path, f"manifest is not valid YAML ({getattr(exc, 'problem', exc)})", line) from None
    entries = (data or {}).get("documents") if isinstance(data, dict) else None
    if not entries:
        raise SourceError(path, "manifest lists no documents (expected a 'documents:' list)")
    lines = _entry_lines(path)
    docs = [_entry(path, i, e, lines[i - 1] if i <= len(lines) else None) for i, e in enumerate(entries, 1)]
    _reject_duplicates(path, docs)
    return docs


def _entry_lines(path: Path) -> list[int]:
    """1-based line where each entry of the documents list starts."""
    node = yaml.compose(path.read_text(encoding="utf-8"))
    for key, value in getattr(node, "value", []):
        if getattr(key, "value", None) == "documents" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _entry(path: Path, index: int, entry, line: int | None) -> DocumentMeta:
    if not isinstance(entry, dict):
        raise SourceError(path, f"document entry {index} is not a mapping", line)
    name = entry.get("doc_id", "?")
    if "normalizer" in entry and "family" not in entry:
        raise SourceError(path, f"document {name}: 'normalizer' is now 'family' with 'params' "
                                "(see docs/adding-a-document.md)", line)
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise SourceError(path, f"document entry {index} ({name}) lacks {', '.join(missing)}", line)
    known = {f.name for f in fields(DocumentMeta)} - {"params", "line"}
    unknown = sorted(set(entry) - known - {"params"})
    if unknown:
        raise SourceError(path, f"document {name}: unknown field(s) {', '.join(unknown)}", line)
    values = {k: ("" if entry[k] is None else entry[k]) for k in known if k in entry}
    values = {k: (v if k == "year" else str(v)) for k, v in values.items()}
    if values["level"] not in LEVELS:
        raise SourceError(path, f"document {name}: level must be one of {LEVELS}", line)
    try:
        values["year"] = int(values["year"])
    except (TypeError, ValueError):
        raise SourceError(path, f"document {name}: year must be a number", line) from None
    if values["family"] not in normalizers.FAMILIES:
        raise SourceError(path, f"document {name}: unknown family '{values['family']}' "
                                f"(known: {', '.join(normalizers.FAMILIES)})", line)
    raw_params = entry.get("params") or {}
    if not isinstance(raw_params, dict):
        raise SourceError(path, f"document {name}: params must be a mapping", line)
    try:
        values["params"] = normalizers.make_params(values["family"], raw_params)
    except ValueError as exc:
        raise SourceError(path, f"document {name}: {exc}", line) from None
    return DocumentMeta(**values, line=line)


def _reject_duplicates(path: Path, docs: list[DocumentMeta]) -> None:
    for key in ("doc_id", "file", "region"):
        seen: dict[str, DocumentMeta] = {}
        for d in docs:
            value = getattr(d, key)
            if value in seen:
                raise SourceError(path, f"documents {seen[value].doc_id} and {d.doc_id} share {key} '{value}'", d.line)
            seen[value] = d
