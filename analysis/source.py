"""Reading a raw document: bytes checked, decoded as UTF-8, never modified."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

# A text file from a web scrape has next to no control characters; a binary file has many.
_CONTROL_OK = {9, 10, 13}
_MAX_CONTROL_SHARE = 0.01


@dataclass(frozen=True)
class RawText:
    path: Path
    text: str
    sha256: str


def read_raw(path: Path) -> RawText:
    """Read and decode one raw document, or raise a SourceError naming where it is unusable."""
    path = Path(path)
    if not path.exists():
        raise SourceError(path, "file not found")
    if not path.is_file():
        raise SourceError(path, "not a regular file")
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(path, "file is empty")
    _reject_binary(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        raise SourceError(
            path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", line, col
        ) from None
    return RawText(path, text, hashlib.sha256(data).hexdigest())


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
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, col
