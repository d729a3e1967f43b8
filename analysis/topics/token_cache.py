"""jieba's tokens of each text, kept on disk by the text's hash, so a build whose texts were cut
before never loads jieba's dictionary (half a second) nor cuts them again.

One file per dictionary state: its name carries a hash of jieba's version, the user dictionary,
the lexicon terms added as words and the text normalisation, so a change to any of them starts a
new file and an old cut is never reused. The folder is `$ANALYSIS_CACHE` or
~/.cache/health-reform-analysis; a cache that cannot be read or written is ignored (the tokens
are then computed, as without one), never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

FORMAT = 1      # raise when the tokens of a text would change for a reason the fingerprint does not see


def cache_dir() -> Path:
    return Path(os.environ.get("ANALYSIS_CACHE") or Path.home() / ".cache" / "health-reform-analysis")


def key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class TokenCache:
    def __init__(self, user_dict: Path, terms, folder: Path | None = None):
        h = hashlib.blake2b(f"{FORMAT}|{version('jieba')}|".encode(), digest_size=8)
        h.update(user_dict.read_bytes() if user_dict.exists() else b"")
        h.update("\n".join(sorted(terms)).encode("utf-8"))
        self.path = (folder or cache_dir()) / f"jieba-tokens-{h.hexdigest()}.json"
        self._tokens: dict[str, list[str]] | None = None
        self._added = 0

    def _loaded(self) -> dict[str, list[str]]:
        if self._tokens is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self._tokens = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._tokens = {}
        return self._tokens

    def get(self, text: str) -> list[str] | None:
        found = self._loaded().get(key(text))
        return list(found) if isinstance(found, list) else None

    def put(self, text: str, tokens: list[str]) -> None:
        self._loaded()[key(text)] = tokens
        self._added += 1

    def save(self) -> None:
        """Write the file when texts were added (whole, by a rename: a reader never sees half)."""
        if not self._added:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._tokens, f, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
            self._added = 0
        except OSError:
            pass
