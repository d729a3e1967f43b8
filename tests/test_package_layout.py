"""The package shows the pipeline: a subpackage per stage, a thin top level, no import cycle between stages."""

from __future__ import annotations

import ast
from pathlib import Path

from analysis import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "analysis"
STAGES = ("reading", "extraction", "topics", "wording", "tables", "comparison", "report")


def _imports(path: Path) -> set[str]:
    """Every analysis.* module a file imports, at any depth (lazy imports inside functions count)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; the package imports absolutely")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.startswith("analysis.")}


def _stage(module: str) -> str | None:
    part = module.split(".")[1]
    return part if part in STAGES else None


def test_the_top_level_holds_at_most_eight_modules():
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 8, modules
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(STAGES)


def test_every_stage_says_what_flows_in_and_out():
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "In:" in doc and "Out:" in doc, stage


def test_no_import_cycle_between_stages():
    edges: dict[str, set[str]] = {s: set() for s in STAGES}
    for path in PACKAGE.rglob("*.py"):
        here = _stage("analysis." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if here is None:
            continue
        for module in _imports(path):
            there = _stage(module)
            if there and there != here:
                edges[here].add(there)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges[start])

    cycles = sorted(s for s in STAGES if reaches(s, s, set()))
    assert not cycles, {s: sorted(edges[s]) for s in cycles}
    # the flow the README draws: reading feeds extraction, never the other way round
    assert "extraction" not in edges["reading"] and "report" not in edges["tables"]
