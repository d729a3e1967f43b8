"""The accidents of scraping change nothing that is read: property tests over the five documents.

Variants come from tests/variants.py: another encoding (GB18030, UTF-8 with BOM, UTF-16), CRLF
line ends, punctuation swapped between full and half width, extra blank lines, and, for the
`paragraphs` family, the text re-wrapped at any width (breaks inside numbers and dates included). Each must give the same tasks, agencies
(with roles), targets and deadlines as the shipped file; offsets are into the variant's own text,
so they are left out of the comparison. Random damage must end in the project's own one-line
error or in a build, never in anything else.
"""

import random
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import variants as V
from analysis import MANIFEST, RAW_DIR, build, tables
from analysis.errors import SourceError
from analysis.manifest import load_manifest

METAS = {m.region: m for m in load_manifest(MANIFEST)}
PARAGRAPH_FAMILY = sorted(r for r, m in METAS.items() if m.family == "paragraphs")
SETTINGS = dict(deadline=None, derandomize=True,   # the same examples on every run: CI stays stable
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _plain(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def reading(result):
    """What a document says, without offsets: tasks, agencies, targets, deadlines."""
    t = tables.assemble([result], code_topics=False)
    units, ta = t["units"], t["task_agencies"]
    out = {"tasks": sorted(units[units.kind == "task"].unit_id),
           "agencies": sorted(zip(ta.unit_id, ta.name_zh, ta.role, ta.inherited))}
    tg, dl = t["targets"], t["deadlines"]
    out["targets"] = sorted(tuple(_plain(v) for v in row) for row in tg[
        ["unit_id", "metric", "metric_id", "value", "value_max", "unit", "comparator", "deadline", "baseline"]].values)
    out["deadlines"] = sorted(tuple(_plain(v) for v in row) for row in dl[["unit_id", "date", "precision"]].values)
    return out


@pytest.fixture(scope="module")
def originals():
    return {region: build.process(meta, RAW_DIR) for region, meta in METAS.items()}


def read_variant(tmp_path, region: str, data: bytes):
    meta = METAS[region]
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / meta.file).write_bytes(data)
    return build.process(meta, folder)


@settings(max_examples=30, **SETTINGS)
@given(region=st.sampled_from(sorted(METAS)),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       crlf=st.booleans(), width=st.sampled_from([None, "half", "full"]), blanks=st.booleans(),
       seed=st.integers(0, 10_000))
def test_reencoded_repunctuated_and_spaced_variants_read_the_same(tmp_path, originals, region, encoding, crlf,
                                                                 width, blanks, seed):
    text = originals[region].text
    if width:
        text = V.swap_width(text, width == "half")
    if blanks:
        text = V.blank_lines(text, random.Random(seed))
    if crlf:
        text = V.crlf(text)
    variant = read_variant(tmp_path, region, V.encode(text, encoding))
    assert variant.encoding == ("utf-16" if encoding == "utf-16" else "gb18030" if encoding == "gb18030" else "utf-8")
    assert reading(variant) == reading(originals[region])


@settings(max_examples=30, **SETTINGS)
@given(region=st.sampled_from(PARAGRAPH_FAMILY), width=st.integers(24, 90), crlf=st.booleans())
def test_rewrapped_paragraph_documents_read_the_same(tmp_path, originals, region, width, crlf):
    # From 24 characters on, headings (17 at most here) stay whole: a heading has no closing
    # mark, so a broken one cannot be told from the paragraph under it.
    text = V.rewrap(originals[region].text, width)
    if crlf:
        text = V.crlf(text)
    variant = read_variant(tmp_path, region, text.encode("utf-8"))
    assert reading(variant) == reading(originals[region])


@pytest.mark.parametrize("region", PARAGRAPH_FAMILY)
def test_rewrapped_at_clause_ends_targets_and_deadlines_hold_too(tmp_path, originals, region):
    # A break after a comma or semicolon never splits a number or a date.
    text = V.wrap_at_clauses(originals[region].text)
    variant = read_variant(tmp_path, region, text.encode("utf-8"))
    assert reading(variant) == reading(originals[region])


def _damage(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(["delete", "duplicate", "insert", "truncate", "swap_lines"])
    i, j = sorted(rng.randrange(len(data)) for _ in range(2))
    if kind == "delete":
        return data[:i] + data[j:]
    if kind == "duplicate":
        return data[:j] + data[i:j] + data[j:]
    if kind == "insert":
        return data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))) + data[i:]
    if kind == "truncate":
        return data[:i]
    lines = data.split(b"\n")
    rng.shuffle(lines)
    return b"\n".join(lines)


@settings(max_examples=60, **SETTINGS)
@given(region=st.sampled_from(sorted(METAS)), seed=st.integers(0, 1_000_000))
def test_random_damage_ends_in_a_build_or_a_named_error(tmp_path, originals, region, seed):
    rng = random.Random(seed)
    data = originals[region].text.encode("utf-8")
    for _ in range(rng.randint(1, 3)):
        data = _damage(data, rng) or b" "
    try:
        read_variant(tmp_path, region, data)
    except SourceError as exc:
        message = str(exc)
        assert "\n" not in message and METAS[region].file in message
