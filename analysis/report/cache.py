"""A notebook is run again only when something it read has changed.

An entry per notebook is kept beside the briefings (`<reports>/.cache/<notebook>/`): the executed
notebook, the figures it wrote, and `entry.json`, the content hashes of its inputs:

- the notebook file itself;
- the code and configuration every notebook may run: `analysis/**/*.py`, `data/dictionaries/`,
  `data/taxonomy/`, and the versions of the libraries that draw the output;
- the tables it read, each by the sha256 of its Parquet file. Which tables a notebook read is
  recorded while it runs (`notebook.setup` hands out a mapping that notes every table taken from
  it), so a change to `shared_passages` reruns the wording notebook and nothing else;
- whether static PNG/SVG were made (an entry without them does not serve a run that wants them).

An entry is written only after its notebook ran to the end, into a fresh folder renamed into
place, so a killed run leaves either the old entry or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from analysis import DATA_DIR, PROJECT_ROOT
from analysis.tables.staging import alive

ENTRY = "entry.json"
EXECUTED = "executed.ipynb"
FIGURES = "figures"
# the file notebook.setup writes in its figures folder when the runner asks it to record (env below)
TABLES_READ = ".tables-read.json"
RECORD_ENV = "ANALYSIS_RECORD_TABLES"
CODE_ROOTS = (PROJECT_ROOT / "analysis", DATA_DIR / "dictionaries", DATA_DIR / "taxonomy")
LIBRARIES = ("pandas", "plotly", "kaleido", "itables", "nbconvert", "papermill")


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def code_hash(roots: tuple[Path, ...] = CODE_ROOTS) -> str:
    """One hash over the package source, the researcher-edited configuration and library versions."""
    h = hashlib.sha256()
    for root in roots:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                           and p.suffix != ".pyc"):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(file_hash(path).encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}=={metadata.version(lib)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} absent".encode())
    return h.hexdigest()


def table_hashes(tables_dir: Path, names) -> dict[str, str]:
    out = {}
    for name in sorted(names):
        path = Path(tables_dir) / f"{name}.parquet"
        out[name] = file_hash(path) if path.exists() else "absent"
    return out


class Cache:
    def __init__(self, folder: Path, tables_dir: Path, code: str | None = None) -> None:
        self.folder = Path(folder)
        self.tables_dir = Path(tables_dir)
        self.code = code if code is not None else code_hash()
        self._table_hashes: dict[str, str] = {}

    def _tables(self, names) -> dict[str, str]:
        missing = [n for n in names if n not in self._table_hashes]
        self._table_hashes.update(table_hashes(self.tables_dir, missing))
        return {n: self._table_hashes[n] for n in sorted(names)}

    def entry_dir(self, notebook: Path) -> Path:
        return self.folder / notebook.stem

    def lookup(self, notebook: Path, params: dict, static: bool) -> Path | None:
        """The entry's folder when it is valid for these inputs, else None (the notebook must run)."""
        folder = self.entry_dir(notebook)
        try:
            entry = json.loads((folder / ENTRY).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or not isinstance(entry.get("tables"), dict):
            return None
        fresh = {"notebook": file_hash(notebook), "code": self.code, "params": params,
                 "tables": self._tables(entry["tables"])}
        if any(entry.get(k) != v for k, v in fresh.items()) or (static and not entry.get("static")):
            return None
        if not (folder / EXECUTED).is_file():
            return None
        return folder

    def new_entry(self, notebook: Path) -> Path:
        """A fresh folder to run the notebook into; `store` moves it into place."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".new-{notebook.stem}-{os.getpid()}-", dir=self.folder))
        (tmp / FIGURES).mkdir()
        return tmp

    def store(self, notebook: Path, tmp: Path, params: dict, static: bool) -> Path:
        record = tmp / FIGURES / TABLES_READ
        try:
            read = json.loads(record.read_text(encoding="utf-8"))
            record.unlink()
        except (OSError, ValueError):
            read = None  # the notebook did not say what it read: it cannot be reused
        entry = {"notebook": file_hash(notebook), "code": self.code, "params": params, "static": static,
                 "tables": self._tables(read) if read is not None else None}
        (tmp / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, indent=1), encoding="utf-8")
        final = self.entry_dir(notebook)
        old = final.with_name(f".old-{notebook.stem}-{os.getpid()}")
        if final.exists():
            os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
        return final

    def discard(self, tmp: Path) -> None:
        shutil.rmtree(tmp, ignore_errors=True)

    def remove_stale(self) -> None:
        """Folders of runs that were killed before they stored their entry."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.iterdir():
            m = _UNFINISHED.match(entry.name)
            if m and not alive(int(m["pid"])):
                shutil.rmtree(entry, ignore_errors=True)


_UNFINISHED = re.compile(r"^\.(new|old)-.+-(?P<pid>\d+)(-[a-z0-9_]+)?$")
