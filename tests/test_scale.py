"""What lets the build scale: documents read in processes (--jobs), the token cache, errors
that survive a process boundary, the impact-ordered candidates of task similarity, and the
TF-IDF computed without importing scikit-learn."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest

from analysis import MANIFEST, RAW_DIR, build
from analysis.errors import SourceError
from analysis.topics import token_cache
from analysis.topics.codebook import load_codebook
from analysis.topics.coder import Segmenter
from analysis.wording import similarity


def _cli_build(manifest, out, *extra):
    return subprocess.run([sys.executable, "-m", "analysis", "build", "--manifest", str(manifest), "--out", str(out),
                           "--strict", *extra], capture_output=True, text=True, timeout=300)


def test_build_with_two_processes_writes_the_same_bytes_as_with_one(tmp_path):
    one, two = _cli_build(MANIFEST, tmp_path / "one", "--jobs", "1"), _cli_build(MANIFEST, tmp_path / "two", "--jobs", "2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    names = sorted(p.name for p in (tmp_path / "one").glob("*.csv"))
    assert len(names) == 14
    parquet = sorted(p.name for p in (tmp_path / "one").glob("*.parquet"))
    assert len(parquet) == 14
    for name in [*names, *parquet, "datapackage.json"]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert one.stdout.replace(str(tmp_path / "one"), "") == two.stdout.replace(str(tmp_path / "two"), "")


def test_a_bad_document_read_in_a_worker_process_is_still_one_line_naming_it(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    text = (raw / "wuhu-2021.txt").read_text(encoding="utf-8")
    (raw / "wuhu-2021.txt").write_text(text[:text.index("确保到2021年底40%")], encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("a researcher's file")
    (tmp_path / "out" / ".analysis-output").write_text("")     # an earlier build's output
    proc = _cli_build(raw / "documents.yml", tmp_path / "out", "--jobs", "2")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "wuhu-2021.txt:65:1:" in lines[0], proc.stderr
    # the staging folder made before the documents were read is gone; the earlier output untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "raw"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".analysis-output", "notes.txt"]


def test_an_output_folder_that_cannot_be_made_is_one_line_before_any_document_is_read(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    proc = _cli_build(MANIFEST, tmp_path / "afile" / "out", "--timings")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'afile' / 'out'}: cannot write outputs (File exists)"], proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_jobs_must_be_a_whole_number(tmp_path):
    proc = _cli_build(MANIFEST, tmp_path / "out", "--jobs", "two")
    assert proc.returncode == 2 and "--jobs: must be a whole number" in proc.stderr


@pytest.mark.parametrize("jobs, branch", [
    ("1", ["task_topics", "task_similarity", "template_alignment", "shared_passages"]),
    # two cores: the coding branch runs in a forked copy beside the wording stage, while this process
    # writes its own tables' Parquet (early_writes); the copy's stages are reported when it comes
    # back, after what the build waited for it
    ("2", ["shared_passages", "early_writes", "coding_wait", "task_topics", "task_similarity",
           "template_alignment"]),
])
def test_timings_name_every_stage(tmp_path, jobs, branch):
    proc = _cli_build(MANIFEST, tmp_path / "out", "--timings", "--jobs", jobs)
    stages = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("timing: ")]
    assert stages == ["read", "normalize", "extract", "documents", "tables", *branch, "write", "report"]


def test_default_jobs_is_a_process_per_core_the_build_may_use(monkeypatch):
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert build.default_jobs() == 3
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(), raising=False)
    assert build.default_jobs() == 1


def test_a_source_error_crosses_a_process_boundary_whole():
    err = pickle.loads(pickle.dumps(SourceError("data/raw/x.txt", "task 3 has no agency", 12, 4)))
    assert (err.path, err.message, err.line, err.col) == ("data/raw/x.txt", "task 3 has no agency", 12, 4)
    assert str(err) == "data/raw/x.txt:12:4: task 3 has no agency"


# -- token cache ------------------------------------------------------------------------------

def test_a_warm_segmenter_cuts_from_the_cache_without_loading_jieba(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    codebook = load_codebook()
    text = "推进DRG/DIP支付方式改革，完善医保基金监管。"
    cold = Segmenter(codebook)
    tokens = cold.tokens(text)
    assert cold._tk is not None and "支付方式改革" in tokens   # a lexicon term kept whole
    cold.cache.save()
    warm = Segmenter(codebook)
    assert warm.tokens(text) == tokens and warm._tk is None
    assert warm.tokens("另一段没有切过的文字") and warm._tk is not None      # a new text loads jieba


def test_a_corrupt_or_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    seg = Segmenter(load_codebook())
    seg.cache.path.write_text("{not json", encoding="utf-8")
    assert Segmenter(load_codebook()).tokens("完善医保基金监管") == seg.tokens("完善医保基金监管")
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "file"))
    (tmp_path / "file").write_text("a file where the folder should be")
    other = Segmenter(load_codebook())
    other.tokens("完善医保基金监管")
    other.cache.save()             # cannot write: no error, tokens still right


def test_a_changed_user_dictionary_starts_a_new_cache_file(tmp_path):
    terms = load_codebook().terms()
    d = tmp_path / "userdict.txt"
    d.write_text("家庭医生签约 10 n\n", encoding="utf-8")
    first = token_cache.TokenCache(d, terms, tmp_path).path
    d.write_text("家庭医生签约 10 n\n医共体 10 n\n", encoding="utf-8")
    assert token_cache.TokenCache(d, terms, tmp_path).path != first
    saved = token_cache.TokenCache(d, terms, tmp_path)
    saved.put("医共体建设", ["医共体", "建设"])
    saved.save()
    assert json.loads(saved.path.read_text(encoding="utf-8")) == {token_cache.key("医共体建设"): ["医共体", "建设"]}


# -- task similarity at scale -------------------------------------------------------------------

@pytest.fixture(scope="module")
def task_vectors(t):
    tasks = t["units"][t["units"]["kind"] == "task"].reset_index(drop=True)
    return tasks, Segmenter(load_codebook()).tokens


def test_tfidf_is_scikit_learns_bit_for_bit(task_vectors):
    from sklearn.feature_extraction.text import TfidfVectorizer

    tasks, tokens = task_vectors
    docs = [similarity.reading_text(x) for x in tasks["text_clean"]] + ["DRG付费改革ABC", ""]
    for ours, theirs in [(similarity.tfidf(docs, similarity.char_ngrams),
                          TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(docs)),
                         (similarity.tfidf(docs, tokens), TfidfVectorizer(analyzer=tokens, sublinear_tf=True).fit_transform(docs))]:
        assert ours.shape == theirs.shape and ours.shape[1] > 1000
        assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
        assert np.array_equal(ours.data, theirs.data)       # equal floats, not close ones


def _exact_nearest(t, tokens, k):
    """Each task's k nearest tasks in other regions from the full similarity matrix (small corpora only)."""
    tasks = t["units"][t["units"]["kind"] == "task"].reset_index(drop=True)
    X = similarity.vectors(tasks["text_clean"].tolist(), tokens)
    S = (X @ X.T).toarray()
    regions = tasks["region"].to_numpy()
    S[regions[:, None] == regions[None, :]] = -1
    ids = tasks["unit_id"].to_numpy()
    return {ids[i]: [ids[j] for j in np.argsort(-S[i], kind="stable")[:k] if S[i, j] > 0] for i in range(len(ids))}


def test_candidates_from_unbounded_postings_give_the_exact_nearest_tasks(t, task_vectors, monkeypatch):
    _, tokens = task_vectors
    monkeypatch.setattr(similarity, "ALL_REGIONS_UP_TO", 2)     # the five regions stand for a large corpus
    monkeypatch.setattr(similarity, "POSTINGS", 10**9)
    monkeypatch.setattr(similarity, "CANDIDATES_FACTOR", 10**6)
    ts = similarity.table(t["units"], t["task_topics"], {}, tokens, per_region=3)
    exact = _exact_nearest(t, tokens, 30)
    got = {u: g.sort_values("rank")["other_unit_id"].tolist() for u, g in ts.groupby("unit_id")}
    assert set(got) == set(exact)
    for u in exact:       # the same tasks; the order may differ only where two scores tie
        assert set(got[u]) == set(exact[u]) or len(set(got[u]) ^ set(exact[u])) <= 2, u


def test_cut_postings_still_find_almost_every_nearest_task(t, task_vectors, monkeypatch):
    # 20 tasks per feature out of 279: common n-grams (推进, 医疗) lose most of their postings
    _, tokens = task_vectors
    monkeypatch.setattr(similarity, "ALL_REGIONS_UP_TO", 2)
    monkeypatch.setattr(similarity, "POSTINGS", 20)
    ts = similarity.table(t["units"], t["task_topics"], {}, tokens, per_region=3)
    exact = _exact_nearest(t, tokens, 3)
    top3 = ts[ts["rank"] <= 3].groupby("unit_id")["other_unit_id"].apply(set)
    found = sum(len(top3.get(u, set()) & set(v)) for u, v in exact.items())
    assert found / sum(len(v) for v in exact.values()) >= 0.95
    assert (ts.groupby("unit_id")["score"].apply(lambda s: s.is_monotonic_decreasing)).all()


def test_top_postings_keep_each_features_largest_entries():
    from scipy import sparse

    X = sparse.csr_matrix(np.array([[0.1, 0.0, 0.5], [0.9, 0.2, 0.5], [0.4, 0.3, 0.0], [0.4, 0.0, 0.5]]))
    kept = similarity._top_postings(X, 2).toarray()
    assert kept.tolist() == [[0.0, 0.0, 0.5], [0.9, 0.2, 0.5], [0.4, 0.3, 0.0], [0.0, 0.0, 0.0]]


def test_pair_scores_equal_scipys_row_products_on_unsorted_rows():
    from scipy import sparse

    from analysis.wording.pair_scores import row_dots

    rng = np.random.default_rng(5)
    X = sparse.random(60, 400, density=0.05, format="csr", random_state=rng)
    X.indices = X.indices.copy()
    for r in range(X.shape[0]):                       # rows unsorted, as the TF-IDF leaves them
        lo, hi = X.indptr[r], X.indptr[r + 1]
        perm = rng.permutation(hi - lo)
        X.indices[lo:hi], X.data[lo:hi] = X.indices[lo:hi][perm], X.data[lo:hi][perm]
    X.has_sorted_indices = False
    i, j = rng.integers(0, 60, 500), rng.integers(0, 60, 500)
    want = np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel()
    got = row_dots(X, i, j)
    assert np.allclose(got, want, rtol=0, atol=1e-12) and (want > 0).sum() > 50
    assert row_dots(X, i[:0], j[:0]).shape == (0,)


# -- processes beside the wording stage and the write ----------------------------------------------

def _make_corpus(n_docs: int, folder):
    """benchmarks/bench_corpus.py's synthetic corpus (the shipped documents under new slugs, edited)."""
    import importlib.util

    from analysis import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location("bench_corpus", PROJECT_ROOT / "benchmarks" / "bench_corpus.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.make_corpus(n_docs, folder)


def test_the_coding_branch_in_a_process_of_its_own_gives_what_one_process_gives(tmp_path):
    import pandas as pd

    from analysis import PARALLEL_FROM
    from analysis.tables import assembly

    (tmp_path / "raw").mkdir()
    manifest = _make_corpus(PARALLEL_FROM, tmp_path / "raw")
    results = build.build_all(manifest, tmp_path / "raw", jobs=2)
    alone = assembly.assemble(results, jobs=1)
    timings: dict = {}
    beside = assembly.assemble(results, jobs=2, timings=timings, release=True)
    assert "coding_wait" in timings and timings["task_topics"] > 0      # the branch ran in its own process
    assert list(beside) == list(alone)
    for name in alone:
        pd.testing.assert_frame_equal(beside[name], alone[name], obj=name)
    assert len(alone["task_similarity"]) > 1000 and len(alone["shared_passages"]) > 100
    assert all(r.norm is None and not r.targets for r in results)       # released once the tables hold them


def _own_pid(offset: int) -> int:
    import os

    return os.getpid() + offset


def _fail(message: str):
    raise SourceError("data/raw/x.txt", message, 3, 1)


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not this one")


def _fail_unpicklably():
    raise _Unpicklable("a lock inside")


def _die():
    import os

    os._exit(7)


def _note_pid_and_wait(path):
    import os
    import time

    path.write_text(str(os.getpid()))
    time.sleep(120)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_beside_runs_in_a_forked_copy_and_hands_back_its_result_or_its_error(tmp_path):
    import os

    from analysis import beside

    with beside(_own_pid, 1000) as copy:
        assert copy.result() not in (os.getpid(), os.getpid() + 1000)
    with beside(_fail, "task 3 has no agency") as copy, pytest.raises(SourceError) as err:
        copy.result()
    assert str(err.value) == "data/raw/x.txt:3:1: task 3 has no agency"
    with beside(_fail_unpicklably) as copy, pytest.raises(RuntimeError, match="_Unpicklable: a lock inside"):
        copy.result()
    with beside(_die) as copy, pytest.raises(RuntimeError, match=r"exit code 7"):
        copy.result()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_beside_ends_its_copy_when_the_caller_fails(tmp_path):
    import os
    import time

    from analysis import beside

    flag = tmp_path / "pid"
    with pytest.raises(KeyError), beside(_note_pid_and_wait, flag):
        for _ in range(600):        # the copy has started once it wrote its pid
            if flag.exists() and flag.read_text():
                break
            time.sleep(0.05)
        raise KeyError("the caller failed")
    with pytest.raises(ProcessLookupError):     # ended and reaped, not left sleeping
        os.kill(int(flag.read_text()), 0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_the_coding_branch_in_a_forked_copy_gives_what_one_process_gives():
    import pandas as pd

    from analysis.tables import assembly

    results = build.build_all(jobs=1)
    alone = assembly.assemble(results, jobs=1)
    timings: dict = {}
    forked = assembly.assemble(results, jobs=2, timings=timings)
    assert "coding_wait" in timings and timings["task_topics"] > 0
    assert list(forked) == list(alone)
    for name in alone:
        pd.testing.assert_frame_equal(forked[name], alone[name], obj=name)


def _doubled_when_sent(receive, reply, offset):
    return [2 * x + offset for x in receive()]


def _two_jobs(receive, reply):
    reply(sum(receive()))           # the first job's result; the copy goes on
    return "-".join(receive())      # the second's, its last


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_beside_with_an_inbox_starts_first_and_gets_its_input_later():
    from analysis import beside

    with beside(_doubled_when_sent, 1, inbox=True) as copy:
        copy.send(list(range(100_000)))         # more than a pipe's buffer: sent while this goes on
        got = copy.result()
    assert got[:3] == [1, 3, 5] and len(got) == 100_000
    with beside(lambda receive, reply: _die(), inbox=True) as copy:
        copy.send(list(range(100_000)))         # to a copy that is gone: no error here
        with pytest.raises(RuntimeError, match="exit code 7"):
            copy.result()
    with beside(_two_jobs, inbox=True) as copy:
        copy.send([1, 2, 3])
        copy.send(["a", "b"])           # sent before the first result is back: kept in order
        assert copy.result() == 6 and copy.result() == "a-b"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_the_copy_got_ready_ahead_codes_and_writes_what_one_process_does(tmp_path):
    import pandas as pd

    from analysis.tables import assembly, outputs

    with outputs.Staging(tmp_path / "ahead") as staging, assembly.coding_ahead(2, 5) as ahead:
        assert ahead is not None
        results = build.build_all(jobs=1)
        timings: dict = {}
        early = assembly.assemble(results, jobs=2, timings=timings, ahead=ahead,
                                  meanwhile=lambda made, order: staging.early(made, order, ahead))
        # this process wrote its own tables' Parquet while the copy coded; the copy writes the rest
        assert staging.in_parquet == set(early) - set(assembly.CODED)
        staging.finish(early)
        assert not ahead._process.is_alive()        # both jobs done, it has ended
    assert not staging.folder.exists() and "coding_wait" in timings and timings["task_topics"] > 0
    alone = assembly.assemble(results, jobs=1)
    for name in alone:
        pd.testing.assert_frame_equal(early[name], alone[name], obj=name)
    outputs.write(alone, tmp_path / "alone", jobs=1)
    names = sorted(p.name for p in (tmp_path / "alone").iterdir() if p.suffix in (".csv", ".parquet", ".json"))
    assert len(names) == 29 and sorted(p.name for p in (tmp_path / "ahead").iterdir()) == sorted(
        p.name for p in (tmp_path / "alone").iterdir())
    for name in names:
        assert (tmp_path / "ahead" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    with assembly.coding_ahead(1, 5) as none, assembly.coding_ahead(2, 1_000) as none_either:
        assert none is None and none_either is None      # one job, or a corpus: no copy ahead


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_a_failed_workbook_ends_the_copy_writing_the_files_and_leaves_no_staging_folder(tmp_path, monkeypatch):
    from analysis.tables import assembly, outputs, workbook

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    with assembly.coding_ahead(2, 5) as ahead:
        tables = assembly.assemble(build.build_all(jobs=1), jobs=2, ahead=ahead)
        monkeypatch.setattr(workbook.Book, "close", full_disk)
        with pytest.raises(OSError, match="No space left"):
            outputs.write(tables, tmp_path / "out", files_by=ahead)
        assert not ahead._process.is_alive()
    assert list(tmp_path.iterdir()) == []       # no output, no staging folder
    # the same when the copy was told to write the database while it coded (a build's own way)
    with outputs.Staging(tmp_path / "out") as staging, assembly.coding_ahead(2, 5) as ahead:
        tables = assembly.assemble(build.build_all(jobs=1), jobs=2, ahead=ahead,
                                   meanwhile=lambda made, order: staging.early(made, order, ahead))
        with pytest.raises(OSError, match="No space left"):
            staging.finish(tables)
        assert not ahead._process.is_alive()
    assert list(tmp_path.iterdir()) == []


_ORPHAN = """
import sys, time
from pathlib import Path
from analysis import beside

def wait(receive, reply, flag):
    import os
    Path(flag).write_text(str(os.getpid()))
    return receive()

copy = beside(wait, sys.argv[1], inbox=True)
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_a_copy_waiting_for_its_input_ends_when_its_caller_is_killed(tmp_path):
    import os
    import signal
    import time

    flag = tmp_path / "pid"
    caller = subprocess.Popen([sys.executable, "-c", _ORPHAN, str(flag)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if flag.exists() and flag.read_text():
                break
            time.sleep(0.05)
        copy_pid = int(flag.read_text())
    finally:
        caller.send_signal(signal.SIGKILL)      # no __exit__, no atexit: only the pipes tell
        caller.wait()
    for _ in range(200):                        # the copy sees its inbox end and exits
        try:
            os.kill(copy_pid, 0)
        except ProcessLookupError:
            break
        with open(f"/proc/{copy_pid}/stat") as f:
            if f.read().split(") ")[1].startswith("Z"):     # a zombie of init's is gone too
                break
        time.sleep(0.05)
    else:
        os.kill(copy_pid, signal.SIGKILL)
        raise AssertionError("the copy outlived its caller")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="beside forks on Linux only")
def test_the_coding_copy_refuses_a_job_it_does_not_know():
    from analysis.tables import assembly

    with assembly.coding_ahead(2, 5) as ahead:
        ahead.send(("paint", ()))
        with pytest.raises(ValueError, match="no such job"):
            ahead.result()
