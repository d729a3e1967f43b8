"""Writing the tables: Parquet (source of truth), UTF-8-with-BOM CSV, one Excel workbook.

Everything is written to a fresh temporary directory beside the target and swapped in at the
end, so a failed build never leaves good outputs half overwritten.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd


def write(tables: dict[str, pd.DataFrame], out: Path) -> None:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False)
            df.to_csv(tmp / f"{name}.csv", index=False, encoding="utf-8-sig")
        with pd.ExcelWriter(tmp / "workbook.xlsx", engine="openpyxl") as xl:
            for name, df in tables.items():
                df.to_excel(xl, sheet_name=name, index=False)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(tmp: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(Path(out).glob("*.parquet"))}
