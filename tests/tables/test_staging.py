"""Staged writes: all of a run's files or none, and nothing the run did not write is touched."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from analysis.tables.staging import remove_stale, staged


def test_a_successful_run_replaces_its_files_and_keeps_the_others(tmp_path):
    target = tmp_path / "figures"
    target.mkdir()
    (target / "README.md").write_text("mine")
    (target / "a.png").write_text("old")
    with staged(target) as tmp:
        (tmp / "a.png").write_text("new")
        (tmp / "sub").mkdir()
        (tmp / "sub" / "b.csv").write_text("b")
    assert (target / "a.png").read_text() == "new"
    assert (target / "sub" / "b.csv").read_text() == "b"
    assert (target / "README.md").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]


def test_a_failed_run_leaves_the_target_as_it_was(tmp_path):
    target = tmp_path / "figures"
    target.mkdir()
    (target / "a.png").write_text("old")
    with pytest.raises(RuntimeError):
        with staged(target) as tmp:
            (tmp / "a.png").write_text("half")
            raise RuntimeError("a notebook failed")
    assert (target / "a.png").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]


def test_staging_folders_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".analysis-staging-figures-{dead}-abc123"
    live = tmp_path / f".analysis-staging-figures-{os.getpid()}-def456"
    other = tmp_path / f".analysis-staging-reports-{dead}-ghi789"
    for folder in (stale, live, other):
        folder.mkdir()
    remove_stale(tmp_path, "figures")
    assert not stale.exists() and live.exists() and other.exists()
