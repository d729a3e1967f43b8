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
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", line, col
        ) from None
    return RawText(path, text, hashlib.sha256(data).hexdigest())


def _reject_binary(path: Path, data: bytes) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(path, "binary file (NUL byte), expected plain text",
                          data.count(b"\n", 0, nul) + 1, nul - (data.rfind(b"\n", 0, nul) + 1) + 1)
    control = sum(1 for b in data if b < 32 and b not in _CONTROL_OK)
    if control > _MAX_CONTROL_SHARE * len(data):
        raise SourceError(path, f"binary file ({control} control bytes), expected plain text")
