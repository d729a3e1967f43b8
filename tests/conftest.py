from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

# The tests never read or write the user's token cache (~/.cache/health-reform-analysis): every run
# starts cold, as on a new machine, and the builds and kernels the tests start inherit this folder.
os.environ["ANALYSIS_CACHE"] = tempfile.mkdtemp(prefix="analysis-test-cache-")
atexit.register(shutil.rmtree, os.environ["ANALYSIS_CACHE"], ignore_errors=True)

from analysis import MANIFEST, RAW_DIR, build
from analysis.tables import assembly as tables


@pytest.fixture(scope="session")
def results():
    return build.build_all(MANIFEST, RAW_DIR, strict=True)  # the shipped documents name only known agencies


@pytest.fixture(scope="session")
def t(results):
    """The assembled tables for the five shipped documents."""
    return tables.assemble(results)


@pytest.fixture(scope="session")
def raw_text(results):
    return {r.meta.region: r.text for r in results}


def agencies_of(t, unit_id):
    """{(canonical name, role)} of one task."""
    ta = t["task_agencies"]
    rows = ta[ta.unit_id == unit_id]
    return {(r.name_zh, r.role) for r in rows.itertuples()}


def targets_of(t, unit_id):
    tg = t["targets"]
    return tg[tg.unit_id == unit_id]


def deadlines_of(t, unit_id):
    dl = t["deadlines"]
    return {(r.raw, r.date) for r in dl[dl.unit_id == unit_id].itertuples()}
