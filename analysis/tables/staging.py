"""Write a run's files into a hidden staging folder, then move them into place only if it succeeds.

    with staged(figures_dir) as tmp:
        ... write into tmp ...
    # on success every file of tmp replaced its namesake in figures_dir (one os.replace each);
    # on any failure figures_dir is exactly as it was and tmp is gone

Files already in the target that the run did not write are left alone: nothing here deletes a
file it did not make. Staging folders of runs that were killed are removed by the next run: they
carry the pid of their process in their name and are only removed when that process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = ".analysis-staging-"
_NAME = re.compile(rf"^{re.escape(PREFIX)}(?P<target>.+)-(?P<pid>\d+)-[^-]+$")


def alive(pid: int) -> bool:
    """True while process `pid` runs (a folder it is writing is not stale)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path, target_name: str) -> None:
    """Remove staging folders for `target_name` left in `parent` by processes that no longer run."""
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        m = _NAME.match(entry.name)
        if m and m["target"] == target_name and entry.is_dir() and not entry.is_symlink() \
                and not alive(int(m["pid"])):
            shutil.rmtree(entry, ignore_errors=True)


def _publish(src: Path, dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir()):
        target = dst / entry.name
        if entry.is_dir():
            _publish(entry, target)
        else:
            os.replace(entry, target)


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent, target.name)
    tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{target.name}-{os.getpid()}-", dir=target.parent))
    try:
        yield tmp
        _publish(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
