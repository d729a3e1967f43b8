"""Writing the tables: Parquet (source of truth, typed as data/schema/tables.yml says), UTF-8-with-BOM
CSV, analysis.duckdb (the Parquet tables for SQL), workbook.xlsx (`workbook`) and datapackage.json
(`datapackage`).

Everything is written to a fresh staging folder beside the target and switched in at the end
with one atomic exchange of the two folders (Linux `renameat2`; two renames elsewhere), so a
failed or killed build never leaves good outputs half overwritten or missing.

The output folder is never a folder of someone else's: `check_target` refuses the raw folder,
the repository itself (or a folder holding it), a file, and a folder that is not empty unless an
earlier build wrote it. An output folder carries `.analysis-output`, the list of the files the
build wrote; a file a researcher put there later is carried over into the new output, never
deleted.

Text a spreadsheet would run as a formula (a cell starting with =, +, -, @, a tab or a carriage
return: a manifest title '=HYPERLINK(…)', a paragraph of a hostile page) is stored as text in the
workbook (a string cell, never a formula) and made inert in the CSVs by a leading apostrophe (the
OWASP convention, which Excel hides); Parquet and the database keep the exact text. The CSVs are
written by DuckDB from the database's tables (`_csv`).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from analysis import PROJECT_ROOT, RAW_DIR, beside, can_fork, in_parallel
from analysis.errors import SourceError
from analysis.tables import datapackage, schema, workbook
from analysis.tables.staging import PREFIX, remove_stale

MARKER = ".analysis-output"
WORKBOOK = "workbook.xlsx"
DATABASE = "analysis.duckdb"
_RENAME_EXCHANGE = 2


def _written_by_a_build(folder: Path) -> set[str] | None:
    """The names an earlier build wrote in `folder`, or None when no build wrote it."""
    marker = folder / MARKER
    if marker.is_file():
        return {line for line in marker.read_text(encoding="utf-8").splitlines() if line} | {MARKER}
    # outputs of builds before the marker existed: nothing but tables and the workbook
    names = {p.name for p in folder.iterdir()}
    if names and all(p.is_file() and (p.suffix in (".parquet", ".csv") or p.name == "workbook.xlsx")
                     for p in folder.iterdir()) and any(n.endswith(".parquet") for n in names):
        return names
    return None


def check_target(out: Path, raw_dirs: tuple[Path, ...] = ()) -> None:
    """Refuse, in one line, an output folder whose contents the build could destroy."""
    out = Path(out)
    resolved = out.resolve()
    protected = [(Path(d).resolve(), "a folder of raw documents") for d in (RAW_DIR, *raw_dirs)]
    for folder, what in [(PROJECT_ROOT.resolve(), "the repository"), *protected]:
        if resolved == folder or resolved in folder.parents:
            raise SourceError(out, f"cannot be the output folder: it is {what} or holds it")
        if what != "the repository" and folder in resolved.parents:
            raise SourceError(out, f"cannot be the output folder: it is inside {what}")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise SourceError(out, "cannot be the output folder: it is not a folder")
    if out.is_dir() and any(out.iterdir()) and _written_by_a_build(out) is None:
        raise SourceError(out, "cannot be the output folder: it holds files no build wrote "
                               "(choose an empty or new folder)")


def write(tables: dict[str, pd.DataFrame], out: Path, raw_dirs: tuple[Path, ...] = (), jobs: int = 1,
          files_by=None) -> None:
    """Every output of `tables` into `out`, switched in at once (`Staging.finish`)."""
    with Staging(out, raw_dirs) as staging:
        staging.finish(tables, jobs=jobs, files_by=files_by)


class Staging:
    """An output folder in the making: `out` checked (`check_target`), then a fresh staging folder
    beside it that the build writes into as it has the tables (`early`), and switches in at the
    end (`finish`). Leaving the context removes the staging folder: after the switch it holds the
    previous output; after a failure, what was written so far."""

    def __init__(self, out: Path, raw_dirs: tuple[Path, ...] = ()):
        self.out = Path(out)
        check_target(self.out, raw_dirs)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(self.out.parent, self.out.name)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{self.out.name}-{os.getpid()}-", dir=self.out.parent))
        self.in_parquet: set[str] = set()     # the tables written already
        self._book: workbook.Book | None = None
        self._files_by = None

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def early(self, made: dict[str, pd.DataFrame], order: list[str], files_by=None) -> None:
        """What can be written of the tables `made` so far, while the rest are made elsewhere (a
        few documents' build calls it while its copy, `files_by`, codes the topics): their Parquet
        files, and the workbook's sheets that need nothing else. `files_by` is told at once to
        write the database and CSVs once it has coded: `order` names every table the build will
        hold, in order; those not in `made` are the ones it makes."""
        write_parquet(self.folder, made, schema.load())
        self.in_parquet |= set(made)
        if files_by is not None:
            files_by.send(("files", (self.folder, {}, {name: df.iloc[:0] for name, df in made.items()}, order)))
            self._files_by = files_by
        self._book = workbook.Book(self.folder / WORKBOOK, schema.load(), order, units=len(made.get("units", ())))
        self._book.write(made)

    def finish(self, tables: dict[str, pd.DataFrame], jobs: int = 1, files_by=None) -> None:
        """The rest of `tables`' outputs, then the switch: the workbook (pure Python, the slowest
        file) written beside the Parquet files, the database and the CSVs. Those are written by
        `files_by` when given (the build's copy from `assembly.coding_ahead`, which has its modules
        loaded: it gets the tables not yet in Parquet and every table's columns with no rows,
        unless `early` told it already); else, with `jobs` > 1 and a few documents, by a forked
        copy of this process (`analysis.beside`: the two run on two cores); else by a second
        thread (a process of a corpus's size would hold a copy of every table it touched)."""
        tmp = self.folder
        files_by = files_by or self._files_by
        if files_by is not None:
            try:
                if files_by is not self._files_by:
                    files_by.send(("files", (tmp, {n: df for n, df in tables.items() if n not in self.in_parquet},
                                             {n: df.iloc[:0] for n, df in tables.items()}, list(tables))))
                self._workbook(tables)
                files_by.result()
            except BaseException:
                files_by.end()      # before the staging folder it writes into is removed
                raise
        elif jobs > 1 and not in_parallel(jobs, len(tables.get("documents", ()))) and can_fork():
            with beside(table_files, tmp, tables, schema.load(), self.in_parquet) as files:
                self._workbook(tables)
                files.result()
        else:
            # the workbook (xlsxwriter: pure Python, holding the interpreter) in this thread; the
            # files in another, whose C++ work (pyarrow, DuckDB) lets go of the interpreter: on a
            # corpus the two overlap on two cores
            with ThreadPoolExecutor(1) as files:
                done = files.submit(table_files, tmp, tables, schema.load(), self.in_parquet)
                self._workbook(tables)
                done.result()
        written = [f"{name}.{kind}" for name in tables for kind in ("parquet", "csv")]
        written += [WORKBOOK, datapackage.NAME, DATABASE]
        (tmp / MARKER).write_text("".join(f"{n}\n" for n in written), encoding="utf-8")
        _carry_over(self.out, tmp)
        _follow_umask(tmp)
        _switch(tmp, self.out)

    def _workbook(self, tables: dict[str, pd.DataFrame]) -> None:
        """The workbook's sheets not written yet, then the file."""
        book = self._book or workbook.Book(self.folder / WORKBOOK, schema.load(), tables,
                                           units=len(tables.get("units", ())))
        book.write(tables)
        book.close()


def columns_of(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Each table's column names, in the tables' order (what the database needs of them)."""
    return {name: [str(c) for c in df.columns] for name, df in tables.items()}


def write_parquet(tmp: Path, tables: dict[str, pd.DataFrame], described: schema.Schema) -> None:
    """Each table as `name`.parquet in `tmp`, typed as its description says."""
    import pyarrow.parquet as pq

    for name, df in tables.items():
        pq.write_table(schema.arrow_table(name, df, described), tmp / f"{name}.parquet")


def table_files(tmp: Path, tables: dict[str, pd.DataFrame], described: schema.Schema | None = None,
                in_parquet: set[str] = frozenset()) -> None:
    """Each table as Parquet (but those `in_parquet` already), the data package, and the database
    with the CSVs made from it. `described`: data/schema/tables.yml (None: read here)."""
    database_files(tmp, {name: df for name, df in tables.items() if name not in in_parquet},
                   {name: df.iloc[:0] for name, df in tables.items() if name in in_parquet}, list(tables), described)


def database_files(tmp: Path, to_write: dict[str, pd.DataFrame], heads: dict[str, pd.DataFrame],
                   order: list[str], described: schema.Schema | None = None) -> None:
    """The copy's share of the files (`Staging.early` or `finish` with `files_by`): the tables
    `to_write` as Parquet, the data package, then the database of every table of `order` (from
    its Parquet file) and the CSVs. `heads`: the columns and types, with no rows, of the tables
    written already (all the data package and the database need of them)."""
    described = described or schema.load()
    write_parquet(tmp, to_write, described)
    heads = {**heads, **{name: df.iloc[:0] for name, df in to_write.items()}}
    heads = {name: heads[name] for name in order}
    datapackage.write(tmp / datapackage.NAME, heads, described)
    _database(tmp / DATABASE, columns_of(heads), described)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_RE, _INERT = r"^([=+\-@\t\r])", r"'\1"       # the same starts for DuckDB (RE2), and the apostrophe


def _database(path: Path, columns: dict[str, list[str]], described: schema.Schema) -> None:
    """analysis.duckdb: each table of `columns` (name -> its columns) from its Parquet file, with
    the columns' descriptions as comments."""
    import duckdb   # only the build writes the database

    # DuckDB's buffer may take most of the machine's memory by default; it writes these tables to
    # the file as it goes, so a small limit costs no time, and the build's own tables already fill
    # the memory the corpus needs
    con = duckdb.connect(str(path), config={"memory_limit": "512MB"})
    try:
        con.begin()   # one transaction: a commit per statement costs a checkpoint each
        for name in columns:
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(path.parent / f"{name}.parquet")])
            table = described.tables.get(name)
            if table is None:
                continue
            con.execute(f'COMMENT ON TABLE "{name}" IS {_sql_text(f"{table.en} / {table.zh}")}')
            for col in columns[name]:
                c = table.columns.get(col)
                if c is not None:
                    con.execute(f'COMMENT ON COLUMN "{name}"."{col}" IS {_sql_text(f"{c.en} / {c.zh}")}')
        con.commit()
        # one thread: the CSV rows in the table's order. With two, a build once wrote a 2,048-row
        # block of task_similarity out of place; ORDER BY rowid instead needs a sort that overran
        # the buffer limit at 1,000 documents
        con.execute("SET threads = 1")
        types: dict[str, list[tuple[str, str]]] = {}     # every table's (column, type), in one query
        for name, col, kind in con.execute(
                "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                "WHERE database_name = current_database() AND schema_name = 'main' "
                "ORDER BY table_name, column_index").fetchall():
            types.setdefault(name, []).append((col, kind))
        for name in columns:
            _csv(con, name, types[name], path.parent / f"{name}.csv")
    finally:
        con.close()


def _csv(con, name: str, columns: list[tuple[str, str]], path: Path) -> None:
    """A table as UTF-8-with-BOM CSV (so Excel reads it as UTF-8), written by DuckDB's C++ writer
    from the database's table (pandas' to_csv took ten times as long at 1,000 documents); `columns`:
    its (name, DuckDB type) in order. Text a spreadsheet would run as a formula gets a leading
    apostrophe. Empty text is written "", a missing value as nothing, a boolean as true/false."""
    select = []
    for col, kind in columns:
        header = _ident("'" + col if col.startswith(_FORMULA_START) else col)
        # one anchored regular expression per text column: DuckDB plans and runs it in a third of
        # the time of a test of the first character against a list of the six
        select.append(f"regexp_replace({_ident(col)}, {_sql_text(_FORMULA_RE)}, {_sql_text(_INERT)}) AS {header}"
                      if kind == "VARCHAR" else f"{_ident(col)} AS {header}")
    part = path.with_name(path.name + ".part")
    con.execute(f"COPY (SELECT {', '.join(select)} FROM {_ident(name)}) TO {_sql_text(str(part))} "
                "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"')")
    with open(path, "wb") as out, open(part, "rb") as body:
        out.write(b"\xef\xbb\xbf")
        shutil.copyfileobj(body, out, 1 << 20)
    part.unlink()


def _ident(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def _sql_text(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _carry_over(out: Path, tmp: Path) -> None:
    """Files in the old output that no build wrote move into the new one (not the old database's
    write-ahead log: DuckDB would replay it into the new database)."""
    if not out.is_dir():
        return
    ours = (_written_by_a_build(out) or set()) | {f"{DATABASE}.wal"}
    for entry in out.iterdir():
        if entry.name not in ours and not (tmp / entry.name).exists():
            shutil.move(str(entry), str(tmp / entry.name))


def _follow_umask(folder: Path) -> None:
    """mkdtemp makes a 0700 folder; an output folder is as readable as the user's other files."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _switch(tmp: Path, out: Path) -> None:
    """Put tmp where out is; afterwards tmp holds the previous output (or is gone)."""
    if not out.exists():
        tmp.rename(out)
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        rc = libc.renameat2(-100, os.fsencode(tmp), -100, os.fsencode(out), _RENAME_EXCHANGE)  # AT_FDCWD
        if rc == 0:
            return
    except (AttributeError, OSError):
        pass  # no renameat2 (not Linux, old libc, or a file system without exchange)
    old = out.with_name(f"{PREFIX}{out.name}-{os.getpid()}-old")
    out.rename(old)
    tmp.rename(out)
    old.rename(tmp)


def read(out: Path) -> dict[str, pd.DataFrame]:
    """The tables of an output folder, in the form the build made them (`schema.plain`)."""
    import pyarrow.parquet as pq

    return {p.stem: schema.plain(pq.read_table(p), p.stem) for p in sorted(Path(out).glob("*.parquet"))}
