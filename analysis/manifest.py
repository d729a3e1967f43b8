"""The document manifest (data/raw/documents.yml): provenance and metadata, edited by researchers."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from .errors import SourceError

LEVELS = ("provincial", "prefecture")


@dataclass(frozen=True)
class DocumentMeta:
    region: str
    doc_id: str
    file: str
    normalizer: str
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

    def raw_path(self, raw_dir: Path) -> Path:
        return Path(raw_dir) / self.file


_REQUIRED = [f.name for f in fields(DocumentMeta) if f.name not in ("sha256", "agency_prefix")]


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
    docs = [_entry(path, i, e) for i, e in enumerate(entries, 1)]
    _reject_duplicates(path, docs)
    return docs


def _entry(path: Path, index: int, entry) -> DocumentMeta:
    if not isinstance(entry, dict):
        raise SourceError(path, f"document entry {index} is not a mapping")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise SourceError(path, f"document entry {index} ({entry.get('doc_id', '?')}) lacks {', '.join(missing)}")
    known = {f.name for f in fields(DocumentMeta)}
    values = {k: ("" if entry[k] is None else entry[k]) for k in known if k in entry}
    values = {k: (v if k == "year" else str(v)) for k, v in values.items()}
    if values["level"] not in LEVELS:
        raise SourceError(path, f"document {values['doc_id']}: level must be one of {LEVELS}")
    try:
        values["year"] = int(values["year"])
    except (TypeError, ValueError):
        raise SourceError(path, f"document {values['doc_id']}: year must be a number") from None
    return DocumentMeta(**values)


def _reject_duplicates(path: Path, docs: list[DocumentMeta]) -> None:
    for key in ("doc_id", "file", "region"):
        seen: set[str] = set()
        for d in docs:
            value = getattr(d, key)
            if value in seen:
                raise SourceError(path, f"two documents share {key} '{value}'")
            seen.add(value)
