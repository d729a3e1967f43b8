"""What a page or an image was made from: the commit, when, and the sha256 of each raw document.

Light on imports on purpose: every notebook kernel calls it for its images' captions.
"""

from __future__ import annotations

import html
import re
from pathlib import Path


def stamp_parts(tables_dir: Path, project_root: Path) -> tuple[str, str, str]:
    """(commit, time made, 'doc_id sha256[:12], …'): what a page or an image was made from."""
    import subprocess
    from datetime import datetime, timezone

    import pandas as pd

    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=project_root, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "analysis", "notebooks", "data"],
                               cwd=project_root, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    docs = pd.read_parquet(Path(tables_dir) / "documents.parquet", columns=["doc_id", "sha256"])
    sums = ", ".join(f"{d} {h[:12]}" for d, h in zip(docs.doc_id, docs.sha256))
    code = f"commit {commit}{' (with uncommitted changes)' if dirty else ''}" if commit else "no git commit"
    return code, when, sums


def stamp(tables_dir: Path, project_root: Path) -> str:
    """What a page was made from: the commit, when, and the checksums of the documents read."""
    code, when, sums = stamp_parts(tables_dir, project_root)
    code = re.sub(r"^commit (\S+)", lambda m: f"commit <code>{html.escape(m[1])}</code>", html.escape(code))
    return (f"<br>Made {when} from {code}; inputs (sha256 of each raw document, first 12 hex digits): "
            f"{html.escape(sums)}.")
