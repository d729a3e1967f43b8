"""The processed tables of DATA_MODEL.md, assembled from build results as pandas DataFrames."""

from __future__ import annotations

import bisect
import re
import tempfile
import time

from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import PROJECT_ROOT, beside, can_fork, give_back_memory, in_parallel, side_process
from analysis.extraction import metrics
from analysis.extraction.document import DocResult
from analysis.reading.repairs import apply
from analysis.topics.codebook import OVERRIDES_FILE, load_codebook
from analysis.wording import shared_passages as shared_wording

TABLES = ("documents", "units", "task_agencies", "agencies", "targets", "deadlines", "repairs")


def assemble(results: list[DocResult], overrides: Path | None = OVERRIDES_FILE,
             code_topics: bool = True, timings: dict | None = None, jobs: int = 1,
             release: bool = False, ahead: beside | None = None,
             meanwhile: Callable[[dict[str, pd.DataFrame], list[str]], None] | None = None
             ) -> dict[str, pd.DataFrame]:
    """All processed tables; task_topics is coded with `overrides` applied (None: automatic only).
    Without `code_topics` the tables of topics and wording are left out. `timings` gains the
    seconds of each stage (the global ones: each reads every document). `jobs`: processes the
    wording stage may use; with more than one, the coding branch (`coded`) runs meanwhile in a
    process of its own (on a corpus of PARALLEL_FROM documents or more) or in a forked copy of
    this one (`analysis.beside`, fewer documents): `ahead`, when `coding_ahead` started it before
    the documents were read, else forked here. With `release`, each
    result's readings (units, agencies, targets, deadlines) are dropped once the tables hold them,
    for a caller that needs only the results' metadata afterwards (at 1,000 documents they hold
    about 400 MB the wording stage can use). `meanwhile`, when given, is called with the tables
    made here (the documents' and the wording stage's) and the names of all tables in order before
    the coded ones are awaited: a few documents' build writes what it can while its copy codes."""
    clock = _Clock(timings)
    rows: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        rows["documents"].append(_document(r))
        rows["units"].extend(_units(r))
        rows["task_agencies"].extend(_task_agencies(r))
        rows["targets"].extend(_targets(r))
        rows["deadlines"].extend(_deadlines(r))
        rows["repairs"].extend(_repairs(r))
    rows["agencies"] = _agencies(rows["task_agencies"])
    out = {name: pd.DataFrame(rows.pop(name), columns=COLUMNS[name]) for name in TABLES}   # rows freed as they go
    out["topics"] = load_codebook().table()
    if release:
        for r in results:
            r.norm, r.targets, r.deadlines = None, {}, {}
    give_back_memory()          # the rows the tables were made from
    clock.lap("tables")
    if not code_topics:
        return out
    config = shared_wording.load_config()
    marked = [r.meta.doc_id for r in results if r.meta.template]
    # only the columns the branch reads: a side process gets a copy of what it is sent
    branch = ({"units": out["units"].drop(columns="text"), "targets": out["targets"],
               "task_agencies": out["task_agencies"][list(_BRANCH_AGENCY_COLUMNS)]}, overrides, config.per_region,
              config.template_score, marked, {r.meta.doc_id: r.text for r in results} if marked else {})
    docs = [(r.meta.doc_id, r.meta.region, r.text) for r in results]
    parallel = in_parallel(jobs, len(results))
    # a few documents: a forked copy codes them meanwhile (`coding_ahead`'s, started here when the
    # caller did not start it; its tables are small to send back); a corpus: a fresh process that
    # gets only the branch's columns
    ahead = None if parallel else ahead
    with (side_process(parallel) as side,
          coding_ahead(jobs, len(results)) if ahead is None else nullcontext(ahead) as copy,
          tempfile.TemporaryDirectory(prefix="analysis-coded-") if parallel else nullcontext() as handed):
        if copy is not None:
            copy.send(("code", branch))
        if side is None and copy is None:
            coded_tables, spent = coded(*branch)
            clock.add(spent)
        elif side is not None:
            branch_done = side.apply_async(_coded_into, (Path(handed), *branch))
        wording = shared_wording.wording_tables(docs, out["units"], out["task_agencies"], out["documents"], config,
                                                jobs=jobs)
        give_back_memory()      # the finder's intermediate tables, before the coded ones come back
        clock.lap("shared_passages")
        if meanwhile is not None:
            meanwhile(out | wording, list(_in_order(out, dict.fromkeys(CODED), wording)))
            clock.lap("early_writes")
        if side is not None or copy is not None:
            if copy is not None:
                coded_tables, spent = copy.result()
            else:
                names, spent = branch_done.get()
                coded_tables = {name: pq.read_table(Path(handed) / f"{name}.parquet").to_pandas() for name in names}
            clock.lap("coding_wait")           # what the branch took beyond the wording stage
            clock.add(spent, peaks=False)
    return _in_order(out, coded_tables, wording)


CODED = ("task_topics", "task_similarity", "template_alignment")      # the tables `coded` makes
_BRANCH_AGENCY_COLUMNS = ("unit_id", "raw", "char_start", "char_end")     # the agencies' text in a unit (topics)


def _in_order(out: dict, coded_tables: dict, wording: dict) -> dict[str, pd.DataFrame]:
    """The tables in one order however they were made (the data package and database list them so)."""
    return out | {"task_topics": coded_tables["task_topics"]} | wording | {
        name: coded_tables[name] for name in CODED if name != "task_topics"}


def _coded_into(folder: Path, *branch) -> tuple[list[str], dict]:
    """`coded` in the side process, its tables handed over as Parquet files in `folder`: no pickled
    copy of task_similarity (1.7 million rows at 1,000 documents) in either process."""
    out, spent = coded(*branch)
    for name, df in out.items():
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), folder / f"{name}.parquet")
    return list(out), spent


def coding_ahead(jobs: int, n_docs: int):
    """For fewer than PARALLEL_FROM documents and more than one job: a forked copy of this process
    (`analysis.beside`) that gets the coding branch ready (its modules, among them scipy's; the
    topic model, the scoring, the token cache: a third of a second) while this one reads the
    documents, codes the tables `assemble` sends it, then writes what `outputs.Staging.finish`
    sends it (the coded tables' Parquet, the database and the CSVs) beside the workbook. Else a
    null context (None)."""
    if jobs > 1 and not in_parallel(jobs, n_docs) and can_fork():
        return beside(_coded_when_sent, inbox=True)
    return nullcontext()


def _coded_when_sent(receive, reply):
    # imported and read now, while the documents are read (the later jobs' too: at five documents
    # this copy is ready before the tables come)
    import duckdb  # noqa: F401

    from analysis.tables import schema
    from analysis.tables.outputs import database_files
    from analysis.topics.coder import TopicCoder, load_confidence
    from analysis.topics.model import load_model
    from analysis.wording import similarity, templates  # noqa: F401

    coder = TopicCoder()
    load_model(), load_confidence()     # both cached: coded() finds them read
    coder.segmenter.cache.get("")       # reads the token cache
    schema.load()                       # cached: the table files' descriptions
    made: dict = {}
    # its jobs, named: ("code", coded's arguments) replies; ("files", database_files' arguments)
    # ends it, where the tables named in the order but neither written nor given are those it coded
    while True:
        kind, job = receive()
        if kind == "code":
            made, spent = coded(*job, coder=coder)
            reply((made, spent))
        elif kind == "files":
            tmp, to_write, heads, order = job
            return database_files(tmp, to_write | {n: made[n] for n in order if n not in heads and n not in to_write},
                                  heads, order)
        else:
            raise ValueError(f"no such job for the coding copy: {kind!r}")


def coded(tables: dict[str, pd.DataFrame], overrides: Path | None, per_region: int, template_score: float,
          marked: list[str], texts: dict[str, str], coder=None) -> tuple[dict[str, pd.DataFrame], dict]:
    """The coding branch, which needs only units, targets and task_agencies: task_topics, then
    task_similarity and template_alignment from the tasks' own texts and the coder's tokens;
    with the seconds (and peak memory) of each of its stages. `marked`: the documents marked as
    templates; `texts`: doc_id -> raw text (needed only when some document is marked); `coder`:
    a TopicCoder already made (else one is made here)."""
    # imported here, where the branch runs: in a forked copy they cost the build's own process nothing
    from analysis.topics import table as topics
    from analysis.topics.coder import TopicCoder
    from analysis.wording import similarity as task_similarity
    from analysis.wording import templates

    spent: dict = {}
    clock = _Clock(spent)
    out = {}
    coder = coder or TopicCoder()
    out["task_topics"], scores = topics.code(tables, overrides, coder)
    clock.lap("task_topics")
    own = {uid: s.own_text for uid, s in scores.items()}
    del scores          # each unit's scores and probabilities: hundreds of MB the similarity can use
    give_back_memory()
    units = tables["units"]
    out["task_similarity"] = task_similarity.table(units, out["task_topics"], own, coder.segmenter.tokens, per_region)
    clock.lap("task_similarity")
    # the TF-IDF rows are fitted again only when a template needs them (most corpora mark none)
    index, X = task_similarity.task_vectors(units, own, coder.segmenter.tokens) if marked else ({}, None)
    out["template_alignment"] = templates.table(units, marked, texts, lambda ids: X[[index[u] for u in ids]],
                                                template_score)
    coder.segmenter.cache.save()
    clock.lap("template_alignment")
    return out, spent


class _Clock:
    """Seconds since the last lap, added to `timings[stage]` (nothing when timings is None)."""

    def __init__(self, timings: dict | None):
        self.timings, self.t = timings, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.t
            self.timings[f"{PEAK}{stage}"] = peak_mb()
        self.t = now

    def add(self, spent: dict, peaks: bool = True) -> None:
        """Stages timed elsewhere (`coded`); without `peaks`, their memory (another process's) is left out."""
        if self.timings is not None:
            for key, value in spent.items():
                if not key.startswith(PEAK):
                    self.timings[key] = self.timings.get(key, 0.0) + value
                elif peaks:
                    self.timings[key] = value
        self.t = time.perf_counter()


PEAK = "peak_mb:"       # timings key prefix: the process's peak memory when the stage ended


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (worker processes not included)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


COLUMNS = {
    "documents": ["doc_id", "region", "region_zh", "region_en", "level", "province", "province_en", "year",
                  "title", "title_en", "issuer", "issuer_en", "doc_number", "issued_on", "published_on",
                  "raw_path", "sha256", "sha256_matches_manifest", "n_chars", "encoding", "source_note"],
    "units": ["unit_id", "region", "doc_id", "kind", "no", "parent_id", "body_id", "char_start", "char_end",
              "line_start", "line_end", "text", "text_clean"],
    "task_agencies": ["unit_id", "region", "doc_id", "agency_id", "raw", "char_start", "char_end", "role",
                      "function", "level", "inherited", "source_unit_id", "name_zh", "name_en", "resolved"],
    "agencies": ["agency_id", "region", "name_zh", "name_en", "function", "level", "aliases", "n_tasks",
                 "n_lead", "resolved"],
    "targets": ["target_id", "unit_id", "region", "doc_id", "span", "char_start", "char_end", "metric",
                "metric_id", "value", "value_max", "unit", "comparator", "deadline", "deadline_raw",
                "baseline"],
    "deadlines": ["unit_id", "region", "doc_id", "raw", "char_start", "char_end", "date", "precision",
                  "date_alt"],
    "repairs": ["doc_id", "region", "unit_id", "char_start", "char_end", "line", "raw", "reading", "reason",
                "confidence"],
}


def _document(r: DocResult) -> dict:
    m = r.meta
    try:
        raw_path = str(r.path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        raw_path = str(r.path)
    return {"doc_id": m.doc_id, "region": m.region, "region_zh": m.region_zh, "region_en": m.region_en,
            "level": m.level, "province": m.province, "province_en": m.province_en, "year": m.year,
            "title": m.title, "title_en": m.title_en, "issuer": m.issuer, "issuer_en": m.issuer_en,
            "doc_number": m.doc_number, "issued_on": m.issued_on, "published_on": m.published_on,
            "raw_path": raw_path, "sha256": r.sha256, "sha256_matches_manifest": (not m.sha256) or m.sha256 == r.sha256,
            "n_chars": len(r.text), "encoding": r.encoding, "source_note": m.source_note}


def _units(r: DocResult):
    # one pass over the text for line numbers and one sort of the repairs: linear in document size
    newlines = [m.start() for m in re.finditer("\n", r.text)]
    repairs = sorted(r.norm.repairs, key=lambda x: (x.char_start, x.char_end))
    starts = [x.char_start for x in repairs]

    def line(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    for u in sorted(r.norm.units, key=lambda u: u.char_start):
        inside = repairs[bisect.bisect_left(starts, u.char_start):bisect.bisect_right(starts, u.char_end)]
        yield {"unit_id": u.unit_id, "region": r.meta.region, "doc_id": r.meta.doc_id, "kind": u.kind, "no": u.no,
               "parent_id": u.parent_id, "body_id": u.body_id, "char_start": u.char_start, "char_end": u.char_end,
               "line_start": line(u.char_start), "line_end": line(u.char_end),
               "text": r.text[u.char_start:u.char_end],
               "text_clean": apply(r.text, u.char_start, u.char_end, inside).strip()}


def _task_agencies(r: DocResult):
    for a in r.norm.agencies:
        ag = a.mention.agency
        yield {"unit_id": a.unit_id, "region": r.meta.region, "doc_id": r.meta.doc_id,
               "agency_id": f"{r.meta.region}:{ag.name_zh}", "raw": a.mention.raw, "char_start": a.mention.start,
               "char_end": a.mention.end, "role": a.role, "function": ag.function, "level": ag.level,
               "inherited": a.inherited, "source_unit_id": a.source_unit_id, "name_zh": ag.name_zh,
               "name_en": ag.name_en, "resolved": a.mention.resolved}


def _agencies(task_agencies: list[dict]) -> list[dict]:
    by_id: dict[str, dict] = {}
    for row in task_agencies:
        entry = by_id.setdefault(row["agency_id"], {
            "agency_id": row["agency_id"], "region": row["region"], "name_zh": row["name_zh"],
            "name_en": row["name_en"], "function": row["function"], "level": row["level"],
            "resolved": row["resolved"], "aliases": set(), "tasks": set(), "lead": set()})
        entry["aliases"].add("".join(row["raw"].split()))
        entry["tasks"].add(row["unit_id"])
        if row["role"] == "lead":
            entry["lead"].add(row["unit_id"])
    out = []
    for e in sorted(by_id.values(), key=lambda e: e["agency_id"]):
        out.append({**{k: e[k] for k in ("agency_id", "region", "name_zh", "name_en", "function", "level")},
                    "aliases": "|".join(sorted(e["aliases"] - {e["name_zh"]})),
                    "n_tasks": len(e["tasks"]), "n_lead": len(e["lead"]), "resolved": e["resolved"]})
    return out


def _targets(r: DocResult):
    n = 0
    for unit_id, targets in r.targets.items():
        for t in targets:
            n += 1
            yield {"target_id": f"{r.meta.id_prefix}:t{n}", "unit_id": unit_id, "region": r.meta.region,
                   "doc_id": r.meta.doc_id, "span": t.span, "char_start": t.start, "char_end": t.end,
                   "metric": t.metric, "metric_id": metrics.metric_id(t.metric, t.unit, span=t.span), "value": t.value,
                   "value_max": t.value_max, "unit": t.unit, "comparator": t.comparator,
                   "deadline": t.deadline.date if t.deadline else "",
                   "deadline_raw": t.deadline.raw if t.deadline else "", "baseline": t.baseline}


def _deadlines(r: DocResult):
    for unit_id, dls in r.deadlines.items():
        for d in dls:
            yield {"unit_id": unit_id, "region": r.meta.region, "doc_id": r.meta.doc_id, "raw": d.raw,
                   "char_start": d.start, "char_end": d.end, "date": d.date, "precision": d.precision,
                   "date_alt": d.date_alt}


def _repairs(r: DocResult):
    units = sorted(r.norm.units, key=lambda u: u.char_start)
    starts = [u.char_start for u in units]
    newlines = [m.start() for m in re.finditer("\n", r.text)]

    def unit_at(pos: int) -> str:
        """The first unit (in text order) whose span, ends included, holds pos."""
        i = bisect.bisect_right(starts, pos) - 1
        for j in (i - 1, i):      # a unit ending exactly at pos comes before the one starting there
            if 0 <= j < len(units) and units[j].char_start <= pos <= units[j].char_end:
                return units[j].unit_id
        return ""

    for rep in r.norm.repairs:
        yield {"doc_id": r.meta.doc_id, "region": r.meta.region, "unit_id": unit_at(rep.char_start),
               "char_start": rep.char_start, "char_end": rep.char_end,
               "line": bisect.bisect_left(newlines, rep.char_start) + 1, "raw": rep.raw,
               "reading": rep.reading, "reason": rep.reason, "confidence": rep.confidence}
