"""Reading a raw document: bytes checked and decoded, never modified.

Accepted: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, and
GB18030 (which includes GBK and GB2312), the encodings Chinese web pages are saved in. Offsets
are into the decoded text; a BOM stays in it as U+FEFF, which counts as whitespace.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import SourceError

# A text file from a web scrape has next to no control characters; a binary file has many.
_CONTROL_OK = {9, 10, 13}
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class RawText:
    path: Path
    text: str
    sha256: str
    encoding: str = "utf-8"


_HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml)", re.IGNORECASE)
_TAGS = re.compile(rb"</?(div|p|span|td|tr|table|br|a|script|style)\b[^>]*>", re.IGNORECASE)


# A document past this size is refused: time and memory grow linearly with size
# (benchmarks/bench_size.py), and a real task list is a small fraction of it.
MAX_BYTES = 10_000_000


def read_raw(path: Path) -> RawText:
    """Read and decode one raw document, or raise a SourceError naming where it is unusable."""
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "file not found")
    if not path.is_file():
        raise SourceError(path, "not a regular file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourceError(path, f"{size:,} bytes: larger than the {MAX_BYTES:,} a document may have "
                                "(the largest real task lists are under 1 MB); split it or check the file")
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(path, "file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return RawText(path, _lone_cr(_decode(path, data, "utf-16")), digest, "utf-16")
    _reject_binary(path, data)
    _reject_html(path, data)
    try:
        return RawText(path, _lone_cr(data.decode("utf-8")), digest, "utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            raise SourceError(path, "truncated: the file ends inside a character", *_byte_position(data, exc.start)) from None
        utf8_error = exc
    damaged = data.decode("utf-8", errors="replace").count("\ufffd")
    if damaged <= max(3, len(data) // 2000):          # UTF-8 with a few bad bytes, not another encoding
        line, col = _byte_position(data, utf8_error.start)
        raise SourceError(path, f"not valid UTF-8 (byte 0x{data[utf8_error.start]:02x}); save the file as UTF-8",
                          line, col) from None
    try:
        return RawText(path, _lone_cr(data.decode("gb18030")), digest, "gb18030")
    except UnicodeDecodeError:
        line, col = _byte_position(data, utf8_error.start)
        raise SourceError(path, f"neither UTF-8 nor GB18030 (byte 0x{data[utf8_error.start]:02x}); "
                                "save the file as UTF-8", line, col) from None


def _lone_cr(text: str) -> str:
    """A carriage return alone (old Mac line ends) reads as a line break: one character for one,
    so every offset still points at the raw file's characters."""
    return re.sub(r"\r(?!\n)", "\n", text) if "\r" in text else text


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not valid {encoding.upper()} at byte {exc.start}") from None


def _reject_html(path: Path, data: bytes) -> None:
    """A saved web page instead of its text: the markup would be read as policy text."""
    head = data[:4096]
    tags = len(_TAGS.findall(data[:65536]))
    if _HTML.match(head) or tags >= 10:
        first = _HTML.match(head) or _TAGS.search(data)
        where = _byte_position(data, first.start()) if first else (1, 1)
        raise SourceError(path, "an HTML page, not plain text: save the page's text (e.g. copy it from the browser) "
                                "or strip the markup", *where)


def _reject_binary(path: Path, data: bytes) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(path, "binary file (NUL byte), expected plain text", *_byte_position(data, nul))
    control = sum(1 for b in data if b < 32 and b not in _CONTROL_OK)
    if control > _MAX_CONTROL_SHARE * len(data):
        raise SourceError(path, f"binary file ({control} control bytes), expected plain text")


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset (the column counts decoded characters)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1   # close enough for GB18030
    return data.count(b"\n", 0, offset) + 1, col
