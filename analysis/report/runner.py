"""`python -m analysis report`: build the tables if needed, execute every notebook, write the briefings.

Outputs: reports/<notebook>.html (one self-contained page per notebook), reports/index.html,
reports/executed/<notebook>.ipynb (with outputs, for inspection), and figures/<name>.png/.svg/.csv
written by the notebooks themselves.

A run writes into hidden staging folders beside reports/ and figures/ and moves its files into
place only when every notebook ran and every page was written (`staging`): a failed run leaves
the previous briefings and figures as they were. A kernel that dies while starting (it happens
under load) is started once more; a second failure is named.
"""

from __future__ import annotations

import html
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analysis import PROCESSED_DIR, PROJECT_ROOT
from analysis.errors import SourceError
from analysis.report.pages import first_heading, notebook_to_html, page, stamp
from analysis.tables.staging import staged

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
FIGURES_DIR = PROJECT_ROOT / "figures"


def run(notebooks_dir: Path = NOTEBOOKS_DIR, out_dir: Path = REPORTS_DIR, figures_dir: Path = FIGURES_DIR,
        tables_dir: Path = PROCESSED_DIR, workers: int = 2) -> list[tuple[Path, float]]:
    notebooks = sorted(Path(notebooks_dir).glob("*.ipynb"))
    if not notebooks:
        raise SourceError(notebooks_dir, "no notebooks (*.ipynb) to run")
    ensure_tables(Path(tables_dir))
    out_dir, figures_dir = Path(out_dir), Path(figures_dir)
    with staged(out_dir) as pages_tmp, staged(figures_dir) as figures_tmp:
        executed = pages_tmp / "executed"
        executed.mkdir()
        params = {"tables_dir": str(Path(tables_dir).resolve()), "figures_dir": str(figures_tmp.resolve())}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            timings = list(pool.map(lambda nb: _execute(nb, executed / nb.name, params), notebooks))
        titles = {nb: _title(executed / nb.name) for nb in notebooks}
        nav = "<nav><a href=\"index.html\">索引 Index</a>" + "".join(
            f"<a href=\"{nb.stem}.html\">{html.escape(titles[nb].split(' ', 1)[0])}</a>" for nb in notebooks) + "</nav>"
        made = stamp(Path(tables_dir), PROJECT_ROOT)
        for nb in notebooks:
            (pages_tmp / f"{nb.stem}.html").write_text(notebook_to_html(executed / nb.name, titles[nb], nav, made),
                                                       encoding="utf-8")
        figures = sorted(f.stem for f in figures_tmp.glob("*.png"))
        (pages_tmp / "index.html").write_text(_index(notebooks, titles, figures, figures_dir, out_dir, made),
                                              encoding="utf-8")
    return timings


def ensure_tables(tables_dir: Path) -> None:
    """Build the processed tables when they are not there yet (a fresh checkout)."""
    if all((tables_dir / f"{name}.parquet").exists() for name in ("task_topics", "shared_passages", "task_similarity")):
        return
    from analysis import build
    from analysis.tables import outputs

    outputs.write(build.build_tables(), tables_dir)


def _execute(src: Path, dst: Path, params: dict) -> tuple[Path, float]:
    import papermill as pm

    t0 = time.perf_counter()
    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(src), str(dst), parameters=params, cwd=str(src.parent), kernel_name="python3",
                                progress_bar=False, log_output=False)
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


def _title(executed: Path) -> str:
    import nbformat

    return first_heading(nbformat.read(executed, as_version=4)) or executed.stem


def _index(notebooks: list[Path], titles: dict, figures: list[str], figures_dir: Path, out_dir: Path,
           made: str = "") -> str:
    items = "".join(f"<li><a href=\"{nb.stem}.html\">{html.escape(titles[nb])}</a></li>" for nb in notebooks)
    try:
        rel = figures_dir.resolve().relative_to(out_dir.resolve().parent)
        fig_items = "".join(f"<li>{html.escape(f)}: <a href=\"../{rel}/{f}.png\">PNG</a> "
                            f"<a href=\"../{rel}/{f}.svg\">SVG</a> <a href=\"../{rel}/{f}.csv\">CSV</a></li>"
                            for f in figures)
    except ValueError:
        fig_items = ""
    body = (f"<h1>医改重点任务跨地区比较 Health-reform key tasks compared across five regions</h1>"
            f"<p>盐城 Yancheng 2022 · 西藏 Tibet 2021 · 青海 Qinghai 2022 · 绍兴 Shaoxing 2016 · 芜湖 Wuhu 2021</p>"
            f"<h2>简报 Briefings</h2><ol>{items}</ol>"
            + (f"<h2>图 Figures (static, with the data behind each)</h2><ul>{fig_items}</ul>" if fig_items else ""))
    return page("医改重点任务跨地区比较 Briefings", body, plotly=False, stamp=made)
