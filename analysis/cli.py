"""Command line: python -m analysis build [--out DIR] | inspect PATH [--family F] | topics (--agreement
[--held-out] | --explain UNIT_ID | --review [--out FILE] | --train) | wording --agreement | report."""

from __future__ import annotations

import argparse
import sys
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
    wd.add_argument("--agreement", action="store_true", required=True, help="recall and precision of shared passages")
    rp = sub.add_parser("report", help="execute the notebooks; write HTML briefings to reports/ and figures to figures/")
    rp.add_argument("--out", type=Path, default=None, help="briefings folder (default reports/)")
    rp.add_argument("--figures", type=Path, default=None, help="figures folder (default figures/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "topics":
            return _topics(args)
        if args.command == "report":
            return _report(args)
        if args.command == "wording":
            return _wording()
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
    from analysis.tables import assembly as tables
    from analysis.tables import build_report as report
    from analysis.tables import outputs

    raw_dir = args.raw_dir or args.manifest.parent
    if args.overrides != OVERRIDES_FILE and not Path(args.overrides).is_file():
        raise SourceError(args.overrides, "overrides file not found (--overrides)")
    protect = (raw_dir, args.manifest.parent)
    outputs.check_target(args.out, protect)  # before the work, so a refusal costs nothing
    results = build.build_all(args.manifest, raw_dir, strict=args.strict)
    assembled = tables.assemble(results, overrides=args.overrides)
    try:
        outputs.write(assembled, args.out, protect)
    except OSError as exc:
        raise SourceError(args.out, f"cannot write outputs ({exc.strerror or exc})") from None
    print(report.build_report(results, assembled))
    print(f"wrote {len(assembled)} tables to {args.out}/ (Parquet, CSV, workbook.xlsx)")
    return 0


def _report(args) -> int:
    import time

    from analysis.report import runner as briefings

    t0 = time.perf_counter()
    out, figs = args.out or briefings.REPORTS_DIR, args.figures or briefings.FIGURES_DIR
    timings = briefings.run(out_dir=out, figures_dir=figs)
    for nb, seconds in timings:
        print(f"  {nb.name:<28} {seconds:5.1f} s")
    print(f"wrote {len(timings)} briefings and index.html to {out}/, figures to {figs}/ "
          f"in {time.perf_counter() - t0:.1f} s")
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


def _wording() -> int:
    from analysis import build
    from analysis.wording import agreement as wording_agreement

    assembled = build.build_tables(overrides=None)
    print(wording_agreement.report(assembled))
    return 0


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
