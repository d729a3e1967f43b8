"""Command line: python -m analysis build [--out DIR]."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import MANIFEST, PROCESSED_DIR
from .errors import SourceError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="normalize the documents and write the processed tables")
    b.add_argument("--out", type=Path, default=PROCESSED_DIR, help="output directory (default data/processed)")
    b.add_argument("--manifest", type=Path, default=MANIFEST, help="document manifest (default data/raw/documents.yml)")
    b.add_argument("--raw-dir", type=Path, default=None, help="folder of raw files (default: the manifest's folder)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
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
    from . import build, outputs, report, tables

    raw_dir = args.raw_dir or args.manifest.parent
    results = build.build_all(args.manifest, raw_dir)
    assembled = tables.assemble(results)
    try:
        outputs.write(assembled, args.out)
    except OSError as exc:
        raise SourceError(args.out, f"cannot write outputs ({exc.strerror or exc})") from None
    print(report.build_report(results, assembled))
    print(f"wrote {len(assembled)} tables to {args.out}/ (Parquet, CSV, workbook.xlsx)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
