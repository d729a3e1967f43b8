"""Command line: python -m analysis build [--out DIR] | inspect PATH [--family F] | topics (--agreement
[--held-out] | --explain UNIT_ID | --review [--out FILE] | --train) | wording (--agreement | --against FILE) | report."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from analysis import MANIFEST, PROCESSED_DIR
from analysis.errors import SourceError
from analysis.topics.codebook import OVERRIDES_FILE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="normalize the documents and write the processed tables")
    b.add_argument("--out", type=Path, default=PROCESSED_DIR, help="output directory (default data/processed)")
    b.add_argument("--manifest", type=Path, default=MANIFEST, help="document manifest (default data/raw/documents.yml)")
    b.add_argument("--raw-dir", type=Path, default=None, help="folder of raw files (default: the manifest's folder)")
    b.add_argument("--strict", action="store_true",
                   help="a name the agency dictionary lacks is an error (default: read, flagged unresolved, listed)")
    b.add_argument("--overrides", type=Path, default=OVERRIDES_FILE,
                   help="topic overrides applied last (default data/taxonomy/overrides.csv)")
    b.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                   help="processes the build uses (default: one per core); from 16 documents on they read the "
                        "documents and find shared wording, with fewer a second one codes topics and writes "
                        "the table files meanwhile; the outputs are the same for every N")
    b.add_argument("--timings", action="store_true",
                   help="print the seconds of each stage to stderr ('timing: STAGE SECONDS')")
    tp = sub.add_parser("topics", help="agreement of the topic coding with hand coding, or why a task got its codes")
    group = tp.add_mutually_exclusive_group(required=True)
    group.add_argument("--agreement", action="store_true", help="accuracy, kappa and per-topic F1 against the references")
    group.add_argument("--explain", metavar="UNIT_ID", help="a unit's text, codes, scores and evidence")
    group.add_argument("--train", action="store_true",
                       help="fit the topic model on the shipped hand codings; write data/taxonomy/topic_model.json")
    group.add_argument("--review", action="store_true",
                       help="write a CSV of the low-confidence codes for a coder to decide (read back by build --overrides)")
    tp.add_argument("--held-out", action="store_true",
                    help="with --agreement: also code the held-out sets tests/fixtures/genre, genre2, genre3 (slow)")
    tp.add_argument("--out", type=Path, default=None, help="with --review: the CSV to write (default: standard output)")
    tp.add_argument("--manifest", type=Path, default=MANIFEST, help="with --review: the documents to review")
    tp.add_argument("-v", "--verbose", action="store_true", help="with --agreement: list every disagreement")
    tp.add_argument("--overrides", type=Path, default=OVERRIDES_FILE, help="overrides file for --explain and --review")
    ins = sub.add_parser("inspect", help="how a new document would be cut: units, tasks, agencies, what is left over")
    ins.add_argument("path", type=Path, help="the raw text file")
    ins.add_argument("--family", default=None, help="the format family to read it with (default: try each)")
    ins.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                     help="a family parameter, as in the manifest (repeatable; e.g. roles=first_listed)")
    ins.add_argument("--year", type=int, default=None, help="the document's year (default: the year it names most)")
    ins.add_argument("--agency-prefix", default=None, help="市, 省 or 自治区 (default: guessed from the text)")
    ins.add_argument("--tasks", type=int, default=12, help="tasks to list (default 12)")
    wd = sub.add_parser("wording", help="shared passages and task similarity against the independent reading")
    wmode = wd.add_mutually_exclusive_group(required=True)
    wmode.add_argument("--agreement", action="store_true", help="recall and precision of shared passages")
    wmode.add_argument("--against", type=Path, metavar="FILE",
                       help="a text file's tasks aligned with the manifest's template (adapted, added, left out)")
    wd.add_argument("--template", default=None, metavar="DOC_ID",
                    help="with --against: the document to use as the template (default: those marked template: true)")
    wd.add_argument("--manifest", type=Path, default=MANIFEST, help="document manifest (default data/raw/documents.yml)")
    rp = sub.add_parser("report", help="execute the notebooks; write HTML briefings to reports/ and figures to figures/")
    rp.add_argument("--out", type=Path, default=None, help="briefings folder (default reports/)")
    rp.add_argument("--figures", type=Path, default=None, help="figures folder (default figures/)")
    rp.add_argument("--only", action="append", metavar="NAME",
                    help="run and rewrite only this notebook (03, 03_targets or targets; repeatable); "
                         "the other pages stay as they are")
    rp.add_argument("--jobs", "-j", type=int, default=2, metavar="N", help="notebooks run at once (default 2)")
    rp.add_argument("--no-static", action="store_true",
                    help="skip the PNG/SVG images (faster; the CSVs are written, earlier images stay)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "topics":
            return _topics(args)
        if args.command == "report":
            return _report(args)
        if args.command == "wording":
            return _wording(args)
        if args.command == "inspect":
            return _inspect(args)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug or an input no check foresaw: still one line, never a traceback
        print(f"error: unexpected {type(exc).__name__}: {exc} (please report with the input that caused it)",
              file=sys.stderr)
        return 1
    return 0


def _build(args) -> int:
    from analysis import build
    from analysis.reading.manifest import load_manifest
    from analysis.tables import assembly as tables
    from analysis.tables import build_report as report
    from analysis.tables import outputs

    # what the imports made lives as long as the build: frozen, no collection walks it again
    gc.freeze()

    raw_dir = args.raw_dir or args.manifest.parent
    if args.overrides != OVERRIDES_FILE and not Path(args.overrides).is_file():
        raise SourceError(args.overrides, "overrides file not found (--overrides)")
    protect = (raw_dir, args.manifest.parent)
    timings: dict[str, float] = {}
    jobs = args.jobs or build.default_jobs()
    docs = load_manifest(args.manifest)
    # the output folder checked and its staging folder made before the work, so a refusal costs nothing
    staging = _writing(args.out, outputs.Staging, args.out, protect)
    # a few documents: a copy of this process gets the coding branch ready on a second core while
    # they are read and codes them (this process writes its own tables' Parquet and the sheets
    # that need no topic codes meanwhile), then writes the database and CSVs beside the workbook
    with staging, tables.coding_ahead(jobs, len(docs)) as ahead:
        results = build.build_all(args.manifest, raw_dir, timings, strict=args.strict, jobs=jobs, docs=docs)
        # the report reads only the results' metadata, so their readings go once the tables hold them
        assembled = tables.assemble(results, overrides=args.overrides, timings=timings, jobs=jobs, release=True,
                                    ahead=ahead, meanwhile=None if ahead is None else
                                    lambda made, order: _writing(args.out, staging.early, made, order, ahead))
        if args.timings:       # before the write, so a build stopped there still shows what it did
            _print_timings(timings)
            for name, df in assembled.items():
                print(f"rows: {name} {len(df)}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        _writing(args.out, staging.finish, assembled, jobs=jobs, files_by=ahead)
        timings["write"] = time.perf_counter() - t0
    timings[f"{tables.PEAK}write"] = tables.peak_mb()
    t0 = time.perf_counter()
    print(report.build_report(results, assembled))
    timings["report"] = time.perf_counter() - t0
    if args.timings:
        _print_timings({stage: timings[stage] for stage in ("write", f"{tables.PEAK}write", "report")})
    print(f"wrote {len(assembled)} tables to {args.out}/ (Parquet, CSV, analysis.duckdb, workbook.xlsx, "
          f"datapackage.json)")
    from analysis.tables import datapackage, schema

    missing = datapackage.undescribed(assembled, schema.load())
    if missing:   # written all the same; the tests fail until the file describes them
        print(f"warning: {schema.SCHEMA_FILE.relative_to(schema.PROJECT_ROOT)} does not describe "
              f"{', '.join(missing)}", file=sys.stderr)
    return 0


def _writing(out: Path, fn, *args, **kwargs):
    """fn(*args, **kwargs), which writes the outputs: a system's refusal (disk full, no permission)
    in one line naming the output folder."""
    try:
        return fn(*args, **kwargs)
    except OSError as exc:
        raise SourceError(out, f"cannot write outputs ({exc.strerror or exc})") from None


def _print_timings(timings: dict[str, float]) -> None:
    from analysis.tables.assembly import PEAK

    for stage, value in timings.items():
        if stage.startswith(PEAK):
            print(f"memory: {stage[len(PEAK):]} {value:.0f} MB (peak of the main process so far)",
                  file=sys.stderr, flush=True)
        else:
            print(f"timing: {stage} {value:.3f}", file=sys.stderr, flush=True)


def _jobs(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number of processes (0: automatic), not {value!r}")
    return int(value)


def _report(args) -> int:
    import time

    from analysis.report import runner as briefings

    t0 = time.perf_counter()
    out, figs = args.out or briefings.REPORTS_DIR, args.figures or briefings.FIGURES_DIR
    if args.jobs < 1:
        raise SourceError("--jobs", f"{args.jobs}: at least one notebook must run at a time")
    timings = briefings.run(out_dir=out, figures_dir=figs, workers=args.jobs, only=args.only,
                            static=not args.no_static, progress=sys.stderr)
    for ran in timings:
        print(f"  {ran.notebook.name:<28} {ran.seconds:5.1f} s{'  (unchanged: from the cache)' if ran.cached else ''}")
    print(f"wrote {len(timings)} briefings, the source pages and index.html to {out}/, figures to {figs}/ "
          f"in {time.perf_counter() - t0:.1f} s ({sum(r.cached for r in timings)} from the cache)")
    return 0


def _inspect(args) -> int:
    from analysis import inspect
    from analysis.reading import normalizers

    if args.family and args.family not in normalizers.FAMILIES:
        raise SourceError(args.family, f"unknown family (known: {', '.join(normalizers.FAMILIES)})")
    try:
        params = inspect.parse_params(args.param)
        print(inspect.run(args.path, args.family, params, args.year, args.agency_prefix, args.tasks))
    except ValueError as exc:
        raise SourceError(args.family or "--param", str(exc)) from None
    return 0


def _wording(args) -> int:
    from analysis import build
    from analysis.wording import agreement as wording_agreement

    if args.against is not None:
        from analysis.wording import templates

        if not Path(args.against).is_file():
            raise SourceError(args.against, "file not found (--against)")
        print(_against(args.against, args.manifest, args.manifest.parent, args.template))
        return 0
    assembled = build.build_tables(overrides=None)
    print(wording_agreement.report(assembled))
    return 0


def _against(path, manifest, raw_dir, template: str | None = None) -> str:
    """`python -m analysis wording --against FILE`: FILE's tasks aligned with the manifest's template(s)
    (or the document `template` names), read as the build would read a new document."""
    from dataclasses import replace
    from pathlib import Path

    from analysis import build, inspect
    from analysis.reading.source import read_raw
    from analysis.tables import assembly
    from analysis.wording import templates

    path = Path(path)
    results = build.build_all(manifest, raw_dir)
    ids = [r.meta.doc_id for r in results]
    if template is not None:
        if template not in ids:
            raise SourceError(manifest, f"no document '{template}' in the manifest (documents: {', '.join(ids)})")
        for r in results:
            r.meta = replace(r.meta, template=r.meta.doc_id == template)
    if not any(r.meta.template for r in results):
        raise SourceError(manifest, "no document is marked 'template: true' (or name one with --template DOC_ID)")
    raw = read_raw(path)
    attempts = [inspect.attempt(path, raw, f, p, None, None) for f, p in inspect.candidates(None, {})]
    best = max(attempts, key=lambda a: (a.result is not None, a.n_with_agency, a.n_tasks, -len(a.gaps)))
    if best.result is None:
        raise best.error
    own = best.result
    doc_id = own.meta.doc_id if own.meta.doc_id not in ids else f"{own.meta.doc_id}-against"
    if doc_id != own.meta.doc_id:
        own.meta = replace(own.meta, doc_id=doc_id, region=doc_id, unit_prefix=doc_id)
    tables = assembly.assemble([*results, own], overrides=None)
    ta = tables["template_alignment"]
    ta = ta[ta["doc_id"] == doc_id]
    return templates.report(ta, str(path))


def _topics(args) -> int:
    from analysis import build
    from analysis.topics import agreement as topic_agreement
    from analysis.topics import table as topics
    from analysis.topics.coder import TopicCoder

    if args.review:
        from analysis.topics import review

        assembled = build.build_tables(args.manifest, args.manifest.parent, overrides=args.overrides)
        n = review.write(assembled["task_topics"], assembled["units"], args.out)
        if args.out is not None:
            print(f"wrote {n} low-confidence units to {args.out}; fill topic, is_primary, reason and coder, then "
                  f"python -m analysis build --overrides {args.out}")
        return 0
    assembled = build.build_tables(code_topics=False)
    coder = TopicCoder()
    if args.train:
        from analysis.topics import model, training

        trained, lodo = training.train(assembled, coder)
        model.MODEL_FILE.write_text(model.to_json(trained, lodo), encoding="utf-8")
        model.load_model.cache_clear()
        print(f"wrote {model.MODEL_FILE}: {trained.trained_on} hand-coded units, {len(trained.classes)} topics, "
              f"temperature {trained.temperature:.3f} (fitted on leave-one-document-out scores)")
        return 0
    if args.agreement:  # the automatic coding alone: overrides would score the researcher, not the method
        coded, scores = topics.code(assembled, overrides=None, coder=coder)
        print(topic_agreement.report(coded, scores, coder, verbose=args.verbose, held_out=args.held_out,
                                     tables=assembled))
        return 0
    coded, scores = topics.code(assembled, overrides=args.overrides, coder=coder)
    if args.explain not in scores:
        close = [u for u in scores if u.split(":")[0] == args.explain.split(":")[0]][:5]
        hint = f"; e.g. {', '.join(close)}" if close else "; unit ids look like yancheng:12 or qinghai:(十六)"
        raise SourceError(args.explain, f"not a coded unit{hint}")
    print(topic_agreement.explain(args.explain, assembled["units"], coded, scores[args.explain]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
