"""`python -m analysis report`: build the tables if needed, execute every notebook, write the briefings.

Outputs: reports/<notebook>.html (one self-contained page per notebook), reports/index.html,
reports/source/<doc_id>.html (each document's text, every unit anchored), reports/executed/
<notebook>.ipynb (with outputs, for inspection), and figures/<name>.png/.svg/.csv written by the
notebooks (PNG/SVG drawn here, by this process's one browser, from the figures they leave).

A notebook whose inputs have not changed is taken from the cache (`cache`) instead of run.

A run writes into hidden staging folders beside reports/ and figures/ and moves its files into
place only when every notebook ran and every page was written (`staging`): a failed run leaves
the previous briefings and figures as they were. A kernel that dies while starting (it happens
under load) is started once more; a second failure is named.
"""

from __future__ import annotations

import html
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, TextIO

from analysis import PROCESSED_DIR, PROJECT_ROOT
from analysis.errors import SourceError
from analysis.report import datatable, source_pages
from analysis.report.cache import EXECUTED, FIGURES, RECORD_ENV, Cache
from analysis.report.notebook import DEFER_STATIC_ENV, NO_STATIC_ENV, draw_deferred, ensure_tables  # noqa: F401 - ensure_tables: also runner's
from analysis.report.static_images import StaticExportError
from analysis.report.pages import first_heading, notebook_to_html, page, stamp
from analysis.tables.staging import staged

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
FIGURES_DIR = PROJECT_ROOT / "figures"
CACHE_DIR = ".cache"  # inside the briefings folder: one entry per notebook (see cache)
PARAMS: dict = {}  # parameters every notebook is run with besides the folders (part of the cache key)


class Ran(NamedTuple):
    notebook: Path
    seconds: float
    cached: bool  # True: taken from the cache, its inputs unchanged


def select(notebooks_dir: Path, only: list[str] | None = None) -> list[Path]:
    """The notebooks to run: all, or those named by `only` (`03`, `03_targets`, `targets`, or the file)."""
    notebooks = sorted(Path(notebooks_dir).glob("*.ipynb"))
    if not notebooks:
        raise SourceError(notebooks_dir, "no notebooks (*.ipynb) to run")
    if not only:
        return notebooks
    chosen = []
    for name in only:
        key = Path(name).stem
        hits = [nb for nb in notebooks if key in (nb.stem, nb.stem.split("_", 1)[0], nb.stem.split("_", 1)[-1])]
        if not hits:
            raise SourceError(notebooks_dir, f"no notebook '{name}' (known: {', '.join(nb.stem for nb in notebooks)})")
        chosen += [nb for nb in hits if nb not in chosen]
    return sorted(chosen)


def run(notebooks_dir: Path = NOTEBOOKS_DIR, out_dir: Path = REPORTS_DIR, figures_dir: Path = FIGURES_DIR,
        tables_dir: Path = PROCESSED_DIR, workers: int = 2, only: list[str] | None = None, static: bool = True,
        progress: TextIO | None = None) -> list[Ran]:
    """Run the notebooks whose inputs changed, take the others from the cache, write every page.

    `only`: run and rewrite just these notebooks (the other pages stay as they are). `static`:
    False skips PNG/SVG (the CSVs are still written; earlier images in figures/ stay). `progress`:
    a line per notebook as it starts and ends (the command line passes stderr).
    """
    all_notebooks = sorted(Path(notebooks_dir).glob("*.ipynb"))
    notebooks = select(notebooks_dir, only)
    tables_dir, out_dir, figures_dir = Path(tables_dir), Path(out_dir), Path(figures_dir)
    ensure_tables(tables_dir)
    store = Cache(out_dir / CACHE_DIR, tables_dir)
    store.remove_stale()
    say = (lambda line: print(line, file=progress, flush=True)) if progress else (lambda line: None)
    with staged(out_dir) as pages_tmp, staged(figures_dir) as figures_tmp, _kernel_env(static):
        executed = pages_tmp / "executed"
        executed.mkdir()

        def one(nb: Path) -> Ran:
            t0 = time.perf_counter()
            entry = store.lookup(nb, PARAMS, static)
            cached = entry is not None
            if entry is None:
                say(f"  {nb.stem}: running")
                tmp = store.new_entry(nb)
                try:
                    _execute(nb, tmp / EXECUTED, {"tables_dir": str(tables_dir.resolve()),
                                                  "figures_dir": str((tmp / FIGURES).resolve()), **PARAMS})
                    try:  # the kernel left its figures for this process's one browser
                        draw_deferred(tmp / FIGURES)
                    except StaticExportError as exc:
                        raise SourceError(nb, str(exc)) from None
                except BaseException:
                    store.discard(tmp)
                    raise
                entry = store.store(nb, tmp, PARAMS, static)
            shutil.copyfile(entry / EXECUTED, executed / nb.name)
            for f in sorted((entry / FIGURES).iterdir()):
                if f.is_file() and not f.name.startswith("."):
                    shutil.copyfile(f, figures_tmp / f.name)
            done = Ran(nb, time.perf_counter() - t0, cached)
            say(f"  {nb.stem}: {'unchanged, from the cache' if done.cached else 'ran'} in {done.seconds:.1f} s")
            return done

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            timings = list(pool.map(one, notebooks))
        titles = {nb: _title(nb) for nb in all_notebooks}
        nav = "<nav><a href=\"index.html\">索引 Index</a>" + "".join(
            f"<a href=\"{nb.stem}.html\">{html.escape(titles[nb].split(' ', 1)[0])}</a>" for nb in all_notebooks) \
            + "</nav>"
        made = stamp(tables_dir, PROJECT_ROOT)
        t0 = time.perf_counter()
        for nb in notebooks:
            (pages_tmp / f"{nb.stem}.html").write_text(notebook_to_html(executed / nb.name, titles[nb], nav, made),
                                                       encoding="utf-8")
        n_source = source_pages.write_all(tables_dir, pages_tmp / datatable.SOURCE_DIR, nav="<nav><a href=\"../"
                                          "index.html\">索引 Index</a></nav>", made=made)
        figures = sorted({f.stem for d in (figures_tmp, figures_dir) if d.is_dir() for f in d.glob("*.csv")})
        docs = sorted(p.stem for p in (pages_tmp / datatable.SOURCE_DIR).glob("*.html"))
        (pages_tmp / "index.html").write_text(_index(all_notebooks, titles, figures, figures_dir, out_dir, made, docs, tables_dir),
                                              encoding="utf-8")
        say(f"  pages: {len(notebooks)} briefings, {n_source} source pages, index in {time.perf_counter() - t0:.1f} s")
    return timings


@contextmanager
def _kernel_env(static: bool):
    """The kernels inherit the environment: ask them to record the tables they read, and whether
    to make static images. Restored afterwards (a test may run the report in its own process)."""
    saved = {k: os.environ.get(k) for k in (RECORD_ENV, NO_STATIC_ENV, DEFER_STATIC_ENV)}
    os.environ[RECORD_ENV] = "1"
    os.environ[DEFER_STATIC_ENV] = "1"
    if static:
        os.environ.pop(NO_STATIC_ENV, None)
    else:
        os.environ[NO_STATIC_ENV] = "1"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _execute(src: Path, dst: Path, params: dict) -> tuple[Path, float]:
    import papermill as pm

    t0 = time.perf_counter()
    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(src), str(dst), parameters=params, cwd=str(src.parent), kernel_name="python3",
                                progress_bar=False, log_output=False,
                                # ipykernel's start-up warnings would bury the progress lines on stderr
                                extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
            break
        except pm.PapermillExecutionError as exc:
            raise SourceError(src, f"cell {exc.exec_count} failed: {exc.ename}: {_one_line(exc.evalue)}") from None
        except Exception as exc:  # noqa: BLE001 - the kernel did not start or died before running a cell
            if not _kernel_failure(exc):
                raise SourceError(src, f"cannot run: {type(exc).__name__}: {_one_line(str(exc))}") from None
            if attempt == 2:
                raise SourceError(src, f"the kernel failed twice: {type(exc).__name__}: {_one_line(str(exc))}") from None
    return src, time.perf_counter() - t0


def _kernel_failure(exc: Exception) -> bool:
    """Failures of the kernel's process rather than of the notebook's code: worth one more start."""
    from nbclient.exceptions import DeadKernelError

    return isinstance(exc, (DeadKernelError, RuntimeError, TimeoutError)) and not isinstance(exc, SourceError)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:400]


def _title(notebook: Path) -> str:
    import nbformat

    return first_heading(nbformat.read(notebook, as_version=4)) or notebook.stem


def _index(notebooks: list[Path], titles: dict, figures: list[str], figures_dir: Path, out_dir: Path,
           made: str = "", documents: list[str] = (), tables_dir: Path | None = None) -> str:
    import pandas as pd

    items = "".join(f"<li><a href=\"{nb.stem}.html\">{html.escape(titles[nb])}</a></li>" for nb in notebooks)
    sources = "".join(f"<li><a href=\"{datatable.SOURCE_DIR}/{html.escape(d)}.html\">{html.escape(d)}</a></li>"
                      for d in documents)
    try:
        rel = figures_dir.resolve().relative_to(out_dir.resolve().parent)
        fig_items = "".join(f"<li>{html.escape(f)}: <a href=\"../{rel}/{f}.png\">PNG</a> "
                            f"<a href=\"../{rel}/{f}.svg\">SVG</a> <a href=\"../{rel}/{f}.csv\">CSV</a></li>"
                            for f in figures)
    except ValueError:
        fig_items = ""
    docs = pd.read_parquet(tables_dir / "documents.parquet") if tables_dir else pd.DataFrame()
    names = " · ".join(f"{r.region_zh} {r.region_en} {r.year}" for r in docs.itertuples())
    body = (f"<h1>医改重点任务跨地区比较 Health-reform key tasks compared across {len(docs)} documents</h1>"
            f"<p>{html.escape(names)}</p>"
            f"<h2>简报 Briefings</h2><ol>{items}</ol>"
            f"<h2>原文 Source texts (every unit anchored; each unit id in a briefing links here)</h2><ul>{sources}</ul>"
            + (f"<h2>图 Figures (static, with the data behind each)</h2><ul>{fig_items}</ul>" if fig_items else ""))
    return page("医改重点任务跨地区比较 Briefings", body, plotly=False, stamp=made)
