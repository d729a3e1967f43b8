"""Rerun the hardening attack list against the command line and print what each did.

    python benchmarks/attack.py

Each case damages a private copy of data/raw (or calls the build with a hostile argument) and
runs `python -m analysis build` as a user would. For every case the table says: the exit status,
whether the error was one line naming a file, whether a traceback leaked, whether any file that
existed before (the raw folder, an earlier output, a bystander folder) was lost or changed, and
whether any output holds a live formula. Exit status 1 if any case failed the bar.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


def _snapshot(*folders: Path) -> dict[str, str]:
    out = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")) if folder.exists() else []:
            if p.is_file() and not p.is_symlink():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _formulas(out: Path) -> int:
    import openpyxl
    import pandas as pd

    n = 0
    book = out / "workbook.xlsx"
    if book.exists():
        wb = openpyxl.load_workbook(book)
        n += sum(c.data_type == "f" for ws in wb for row in ws.iter_rows() for c in row)
    for csv in out.glob("*.csv"):
        df = pd.read_csv(csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        n += int(df.apply(lambda c: c.str.match(r"^[=+\-@]")).to_numpy().sum())
    return n


def _manifest_edit(old: str, new: str):
    def edit(raw: Path) -> None:
        m = raw / "documents.yml"
        m.write_text(m.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return edit


def _manifest_line(start: str, new: str):
    def edit(raw: Path) -> None:
        m = raw / "documents.yml"
        lines = m.read_text(encoding="utf-8").split("\n")
        i = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
        lines[i] = new
        m.write_text("\n".join(lines), encoding="utf-8")
    return edit


def _write(name: str, data: bytes):
    def edit(raw: Path) -> None:
        (raw / name).write_bytes(data)
    return edit


def _cases(bystander: Path) -> list[tuple[str, object, list[str]]]:
    wuhu = (RAW / "wuhu-2021.txt").read_text(encoding="utf-8")
    manifest = (RAW / "documents.yml").read_text(encoding="utf-8")
    return [
        ("--out at the raw folder", None, ["--out", "{raw}"]),
        ("--out at the repository", None, ["--out", str(ROOT)]),
        ("--out .", None, ["--out", "."]),
        ("--out at a folder holding a thesis", None, ["--out", str(bystander)]),
        ("title_en =HYPERLINK", _manifest_edit("title_en: Key tasks and division", 'title_en: \'=HYPERLINK("http://x","click")\' #'), []),
        ("paragraph starting =HYPERLINK", _write("wuhu-2021.txt", wuhu.replace("1.创建区域医疗中心", '1.=HYPERLINK("http://x")创建区域医疗中心', 1).encode()), []),
        ("file: ../../etc/passwd", _manifest_edit("file: tibet-2021.txt", "file: ../../../../etc/passwd"), []),
        ("file: absolute path", _manifest_edit("file: tibet-2021.txt", "file: /etc/passwd"), []),
        ("manifest saved as GB18030", _write("documents.yml", manifest.encode("gb18030")), []),
        ("manifest saved as UTF-16", _write("documents.yml", manifest.encode("utf-16")), []),
        ("year: 10**30", _manifest_edit("year: 2021", "year: 1000000000000000000000000000000"), []),
        ("year: true", _manifest_edit("year: 2021", "year: true"), []),
        ("year: 2021.9", _manifest_edit("year: 2021", "year: 2021.9"), []),
        ("year: -5", _manifest_edit("year: 2021", "year: -5"), []),
        ("title: {zh: x}", _manifest_line("title: 西藏", "    title: {zh: x}"), []),
        ("bad footer regex", _manifest_line("footer: ", "      footer: '(unclosed'"), []),
        ("YAML alias bomb", _write("documents.yml", ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n"
                                                      "c: [*b, *b, *b, *b, *b, *b]\n" + manifest).encode()), []),
        ("malformed YAML", _write("documents.yml", b"documents:\n  - {file: [x\n"), []),
        ("manifest is a folder", None, ["--manifest", "{raw}"]),
        ("document pasted four times", _write("wuhu-2021.txt", (wuhu * 4).encode()), []),
        ("--overrides typo.csv", None, ["--overrides", "typo.csv"]),
        ("CR-only line ends", _write("wuhu-2021.txt", wuhu.replace("\r\n", "\n").replace("\n", "\r").encode()), []),
        ("binary file", _write("wuhu-2021.txt", b"\x00\x01\x02" * 100), []),
        ("empty file", _write("wuhu-2021.txt", b""), []),
    ]


def main() -> int:
    bad = 0
    print(f"{'case':<38}{'exit':>5}  {'one line':<9}{'traceback':<10}{'data lost':<10}{'formulas':<9}verdict")
    for name, edit, extra in _cases(Path("/nonexistent")):
        with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as elsewhere:
            tmp = Path(tmp)
            raw = tmp / "raw"
            shutil.copytree(RAW, raw)
            out = Path(elsewhere) / "out"
            bystander = tmp / "thesis"
            bystander.mkdir()
            (bystander / "chapter1.docx").write_bytes(b"years of work")
            args = [a.replace("{raw}", str(raw)) for a in extra]
            args = [str(bystander) if a == "/nonexistent" else a for a in args]
            if name == "--out at a folder holding a thesis":
                args = ["--out", str(bystander)]
            if edit:
                edit(raw)
            before = _snapshot(raw, bystander, ROOT / ".git" if (ROOT / ".git").exists() else raw)
            cmd = [sys.executable, "-m", "analysis", "build", "--manifest", str(raw / "documents.yml"), "--out", str(out)]
            p = subprocess.run(cmd + args, capture_output=True, text=True, cwd=ROOT, timeout=600)
            after = _snapshot(raw, bystander, ROOT / ".git" if (ROOT / ".git").exists() else raw)
            lost = any(after.get(k) != v for k, v in before.items())
            err = p.stderr.strip().splitlines()
            one_line = p.returncode == 0 or (len(err) == 1 and err[0].startswith("error: ")
                                             and not err[0].startswith("error: unexpected") and ":" in err[0][7:])
            traceback = "Traceback" in p.stderr
            formulas = _formulas(out) if p.returncode == 0 and out.exists() else 0
            ok = one_line and not traceback and not lost and not formulas
            bad += not ok
            print(f"{name:<38}{p.returncode:>5}  {str(one_line):<9}{str(traceback):<10}{str(lost):<10}{formulas:<9}"
                  f"{'ok' if ok else 'FAIL'}  {(err[0][:90] if err and p.returncode else '')}")
    print(f"\n{bad} case(s) failed the bar (one-line error naming a file, no traceback, nothing lost, no formulas)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
