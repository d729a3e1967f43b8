"""The report reruns a notebook only when an input it read changed; --only, --jobs, --no-static."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

from analysis import PROJECT_ROOT
from analysis.errors import SourceError
from analysis.report import cache, runner

TABLES = PROJECT_ROOT / "data" / "processed"


def _notebook(path, body: str) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    params = nbformat.v4.new_code_cell("tables_dir = ''\nfigures_dir = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem} test"), params, nbformat.v4.new_code_cell(
        "from analysis.report import notebook as nb\nt = nb.setup(tables_dir, figures_dir)\n" + body)]
    nbformat.write(nb, path)


@pytest.fixture()
def project(tmp_path):
    tables = tmp_path / "tables"
    shutil.copytree(TABLES, tables, ignore=shutil.ignore_patterns("*.csv", "*.xlsx"))
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "01_topics.ipynb", "print(len(t['topics']))")
    _notebook(notebooks / "03_table.ipynb", "nb.table(t['topics'].head(2))")
    _notebook(notebooks / "02_units.ipynb", "import pandas as pd\nprint(len(t['units']))\n"
              "nb.save(__import__('plotly.graph_objects').graph_objects.Figure(), pd.DataFrame({'a': [1]}), "
              "'units_fig', figures_dir)")
    return tmp_path


def _run(project, **kw):
    return {r.notebook.stem: r.cached for r in runner.run(
        notebooks_dir=project / "notebooks", out_dir=project / "reports", figures_dir=project / "figures",
        tables_dir=project / "tables", **kw)}


def test_unchanged_inputs_are_taken_from_the_cache_and_a_changed_table_reruns_only_its_readers(project):
    assert _run(project, static=False, only=["01", "02"]) == {"01_topics": False, "02_units": False}
    entry = json.loads((project / "reports" / ".cache" / "02_units" / "entry.json").read_text())
    assert sorted(entry["tables"]) == ["units"]  # it read the units table and nothing else
    first = (project / "reports" / "02_units.html").read_text(encoding="utf-8")
    assert _run(project, static=False, only=["01", "02"]) == {"01_topics": True, "02_units": True}
    assert f"<pre>{len(pd.read_parquet(project / 'tables' / 'units.parquet'))}\n</pre>" in first
    # topics changes: only the notebook that read it runs again
    topics = pd.read_parquet(project / "tables" / "topics.parquet")
    topics.iloc[:-1].to_parquet(project / "tables" / "topics.parquet")
    assert _run(project, static=False, only=["01", "02"]) == {"01_topics": False, "02_units": True}
    assert f"{len(topics) - 1}" in (project / "reports" / "01_topics.html").read_text(encoding="utf-8")
    # the notebook file changes: it runs again
    nb = project / "notebooks" / "02_units.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("print(len(t['units']))", "print(len(t['units']) + 0)"),
                  encoding="utf-8")
    assert _run(project, static=False, only=["01", "02"]) == {"01_topics": True, "02_units": False}
    # an entry made without static images does not serve a run that wants them
    assert _run(project, only=["02"]) == {"02_units": False}
    assert (project / "figures" / "units_fig.png").read_bytes()[:4] == b"\x89PNG"
    assert _run(project, only=["units"], static=False) == {"02_units": True}  # with images serves without
    assert not [p for p in (project / "reports" / ".cache").iterdir() if p.name.startswith(".")]
    # a table shown with its unit-id links and region names depends on units and documents too
    _run(project, static=False, only=["03"])
    entry = json.loads((project / "reports" / ".cache" / "03_table" / "entry.json").read_text())
    assert sorted(entry["tables"]) == ["documents", "topics", "units"]


def test_a_changed_package_file_reruns_everything(tmp_path):
    root = tmp_path / "analysis"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    before = cache.code_hash((root,))
    assert cache.code_hash((root,)) == before
    (root / "a.py").write_text("x = 2\n")
    assert cache.code_hash((root,)) != before


def test_a_corrupt_or_foreign_cache_entry_is_not_used(tmp_path):
    nb = tmp_path / "01_x.ipynb"
    nb.write_text("{}")
    store = cache.Cache(tmp_path / "c", TABLES, code="c0")
    (tmp_path / "c" / "01_x").mkdir(parents=True)
    (tmp_path / "c" / "01_x" / "entry.json").write_text("not json")
    assert store.lookup(nb, {}, static=False) is None
    good = {"notebook": cache.file_hash(nb), "code": "c0", "params": {}, "static": True,
            "tables": cache.table_hashes(TABLES, ["units"])}
    (tmp_path / "c" / "01_x" / "entry.json").write_text(json.dumps(good))
    assert store.lookup(nb, {}, static=False) is None  # no executed notebook beside it
    (tmp_path / "c" / "01_x" / "executed.ipynb").write_text("{}")
    assert store.lookup(nb, {}, static=True) == tmp_path / "c" / "01_x"
    assert cache.Cache(tmp_path / "c", TABLES, code="c1").lookup(nb, {}, static=True) is None
    (tmp_path / "c" / "01_x" / "entry.json").write_text(json.dumps({**good, "tables": None}))
    assert store.lookup(nb, {}, static=True) is None  # a notebook that did not record what it read


def test_only_names_a_notebook_by_number_name_or_file_and_refuses_an_unknown_one(tmp_path):
    for name in ("01_overview", "02_topic_coverage", "03_targets"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    stems = lambda only: [p.stem for p in runner.select(tmp_path, only)]  # noqa: E731
    assert stems(["03"]) == stems(["targets"]) == stems(["03_targets.ipynb"]) == ["03_targets"]
    assert stems(["02", "01"]) == ["01_overview", "02_topic_coverage"]
    assert len(stems(None)) == 3
    with pytest.raises(SourceError, match=r"no notebook 'maps' \(known: 01_overview, 02_topic_coverage, 03_targets\)"):
        runner.select(tmp_path, ["maps"])


def test_report_options_are_checked_with_one_line():
    p = subprocess.run([sys.executable, "-m", "analysis", "report", "--jobs", "0"], capture_output=True, text=True,
                       cwd=PROJECT_ROOT, timeout=120)
    assert p.returncode == 1 and p.stderr.strip() == "error: --jobs: 0: at least one notebook must run at a time"
    p = subprocess.run([sys.executable, "-m", "analysis", "report", "--only", "nothing", "--out", "/nonexistent/r"],
                       capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert p.returncode == 1 and p.stderr.startswith("error: ") and "no notebook 'nothing'" in p.stderr
    assert "Traceback" not in p.stderr
