"""The supervised topic model, applied with numpy from a data file: no fitting at build time.

Features of a unit (the same at training and at coding):
  - TF-IDF of the character 1-3-grams of its own text (Chinese has no spaces; characters never
    hide a signal), sublinear tf, l2-normalised;
  - TF-IDF of its jieba tokens, the same way;
  - the lexicon's scores: log(1 + points) of each topic in the unit's own text and in its
    headings, times `lexicon_weight` (the headings' columns also times `heading_weight`).
A multinomial logistic regression over them gives a score per topic; dividing by the fitted
`temperature` before the softmax calibrates the probabilities.

data/taxonomy/topic_model.json holds everything needed (the settings, each vocabulary with its
idf, the coefficients, the temperature and a fingerprint of what it was trained on), written by
`python -m analysis topics --train` (analysis/topics/training.py, the only place scikit-learn
fits). JSON, not a pickle: readable, diffable and independent of library versions. The model is
fixed, so a document's codes never depend on the other documents in the manifest.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis.errors import SourceError
from analysis.topics.codebook import TAXONOMY_DIR

MODEL_FILE = TAXONOMY_DIR / "topic_model.json"
FORMAT = 2       # 2: coefficients stored as integers in millionths (the file stays under a few MB)
COEF_SCALE = 1_000_000
_SPACE = re.compile(r"\s+")


def char_ngrams(text: str, low: int = 1, high: int = 3) -> list[str]:
    """Character n-grams of the NFKC-folded text, whitespace squeezed to one space."""
    import unicodedata

    t = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return [t[i:i + n] for n in range(low, high + 1) for i in range(len(t) - n + 1)]


def lexicon_features(text_scores: Sequence[float], context_scores: Sequence[float]) -> list[float]:
    """log(1 + points) per topic, own text then headings (codebook order)."""
    return [math.log1p(s) for s in text_scores] + [math.log1p(s) for s in context_scores]


@dataclass(frozen=True)
class Block:
    """One TF-IDF block: term -> column, and each column's idf."""
    vocabulary: dict[str, int]
    idf: np.ndarray

    def entries(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The nonzero entries (row, column, value) of transform(docs), without the dense rows."""
        # one dictionary lookup per term of the batch, then the counting in numpy; the entries come
        # out as a Counter per unit would give them (rows ascending, terms by first occurrence), so
        # every sum over them is the same to the last bit
        vocabulary, width = self.vocabulary, len(self.idf)
        ids = np.fromiter((vocabulary.get(t, -1) for terms in docs for t in terms), dtype=np.int64)
        row_of = np.repeat(np.arange(len(docs), dtype=np.int64), [len(terms) for terms in docs])
        known = ids >= 0
        keys, first, counts = np.unique(row_of[known] * width + ids[known], return_index=True, return_counts=True)
        order = np.argsort(first)
        keys, counts = keys[order], counts[order]
        rows, cols = keys // width, keys % width
        # libm's log, as the loop took it (numpy's own log may differ by an ulp on some CPUs)
        vals = (1.0 + np.fromiter(map(math.log, counts.tolist()), dtype=float, count=len(counts))) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=len(docs)))
        return rows, cols, vals / norms[rows] if len(rows) else vals

    def transform(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        out = np.zeros((len(docs), len(self.idf)))
        for i, terms in enumerate(docs):
            for term, n in Counter(terms).items():
                j = self.vocabulary.get(term)
                if j is not None:
                    out[i, j] = 1.0 + math.log(n)
        out *= self.idf
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=out, where=norms > 0)


@dataclass(frozen=True)
class TopicModel:
    classes: list[str]
    settings: dict
    chars: Block
    tokens: Block
    coef: np.ndarray        # classes x features
    intercept: np.ndarray
    temperature: float
    fingerprint: str
    trained_on: int

    def features(self, texts: Sequence[str], tokenize: Callable[[str], list[str]], lexicon: np.ndarray) -> np.ndarray:
        lo, hi = self.settings["char_ngrams"]
        return np.hstack([self.chars.transform([char_ngrams(t, lo, hi) for t in texts]),
                          self.tokens.transform([tokenize(t) for t in texts]),
                          self.lexicon_block(np.asarray(lexicon, dtype=float).reshape(len(texts), -1))])

    def lexicon_block(self, lexicon: np.ndarray) -> np.ndarray:
        n = len(self.settings["topics"])
        weights = np.r_[np.ones(n), np.full(n, self.settings["heading_weight"])] * self.settings["lexicon_weight"]
        return lexicon * weights

    def probabilities(self, texts: Sequence[str], tokenize: Callable[[str], list[str]], lexicon: np.ndarray,
                      batch: int = 512) -> np.ndarray:
        """proba(features(...)) a batch of units at a time: the feature rows are dense (one column per
        term of the vocabulary), so all units at once would take memory quadratic-looking in a corpus
        (84,600 units x the vocabulary at 1,000 documents); each row depends on its unit alone."""
        if not len(texts):
            return np.zeros((0, len(self.classes)))
        lexicon = np.asarray(lexicon, dtype=float).reshape(len(texts), -1)
        parts = [self.sparse_proba(texts[i:i + batch], tokenize, lexicon[i:i + batch])
                 for i in range(0, len(texts), batch)]
        return np.vstack(parts)

    def sparse_proba(self, texts: Sequence[str], tokenize: Callable[[str], list[str]], lexicon: np.ndarray) -> np.ndarray:
        """proba(features(...)) from the feature rows' nonzero entries: a unit has a few hundred of
        the vocabulary's tens of thousands of terms, so the dense rows were mostly zeros to write,
        scale and multiply. The same sums in another order: equal to about 1e-15."""
        lo, hi = self.settings["char_ngrams"]
        logits = np.tile(self.intercept, (len(texts), 1))
        offset = 0
        for block, docs in ((self.chars, [char_ngrams(t, lo, hi) for t in texts]),
                            (self.tokens, [tokenize(t) for t in texts])):
            rows, cols, vals = block.entries(docs)
            if len(rows):       # rows ascend: each unit's entries summed in one run
                present, starts = np.unique(rows, return_index=True)
                logits[present] += np.add.reduceat(self.coef[:, offset + cols].T * vals[:, None], starts, axis=0)
            offset += len(block.idf)
        logits += self.lexicon_block(lexicon) @ self.coef[:, offset:].T
        return softmax(logits / self.temperature)

    def proba(self, features: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, one row per unit, columns in `classes` order."""
        return softmax((features @ self.coef.T + self.intercept) / self.temperature)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def to_json(model: TopicModel, lodo: dict[str, list[float]]) -> str:
    """The model file; `lodo` (unit_id -> out-of-document probabilities over settings["topics"]) rides along
    so `topics --agreement` reports the leave-one-document-out figures without refitting."""
    def block(b: Block) -> dict:
        terms = sorted(b.vocabulary, key=b.vocabulary.get)
        return {"terms": terms, "idf": [round(float(x), 6) for x in b.idf]}

    data = {"format": FORMAT, "fingerprint": model.fingerprint, "trained_on": model.trained_on,
            "settings": model.settings, "temperature": round(model.temperature, 6), "classes": model.classes,
            "chars": block(model.chars), "tokens": block(model.tokens),
            "intercept": [round(float(x), 6) for x in model.intercept],
            "coef_scale": COEF_SCALE, "coef": [[round(float(x) * COEF_SCALE) for x in row] for row in model.coef],
            "lodo": lodo}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def load_lodo(path: Path = MODEL_FILE) -> dict[str, list[float]]:
    load_model(path)  # the same checks and one-line errors
    return json.loads(Path(path).read_text(encoding="utf-8")).get("lodo") or {}


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_FILE) -> TopicModel:
    """The model of `path`: from its arrays in the cache folder when they were made from these very
    bytes (`_cached`: 0.01 s where parsing the JSON takes 0.1 s), else parsed and checked here and
    its arrays cached."""
    path = Path(path)
    hint = "; write it with: python -m analysis topics --train"
    if not path.exists():
        raise SourceError(path, f"the topic model is missing{hint}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"not a readable topic model ({exc}){hint}") from None
    cache = _cache_path(raw)
    model = _cached(cache)
    if model is None:
        model = _parse(path, raw, hint)
        _cache(cache, model)
    return model


_CACHE_FORMAT = 1       # raise when the cached arrays would change for a reason the file's bytes do not show


def _cache_path(raw: bytes) -> Path:
    from analysis.topics.token_cache import cache_dir

    h = hashlib.blake2b(f"{FORMAT}|{_CACHE_FORMAT}|".encode(), digest_size=16)
    h.update(raw)
    return cache_dir() / f"topic-model-{h.hexdigest()}.npz"


def _cached(cache: Path) -> TopicModel | None:
    """The model from its cached arrays, or None when there are none or they cannot be read (a
    cache is never an error: the JSON is parsed as without one)."""
    try:
        with np.load(cache, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            blocks = [Block({t: i for i, t in enumerate(z[f"{k}_terms"].tolist())}, z[f"{k}_idf"])
                      for k in ("chars", "tokens")]
            return TopicModel(meta["classes"], meta["settings"], blocks[0], blocks[1], z["coef"], z["intercept"],
                              meta["temperature"], meta["fingerprint"], meta["trained_on"])
    except Exception:   # noqa: BLE001 - whatever a damaged file raises (a bad zip, a bad header, no memory)
        return None


def _cache(cache: Path, model: TopicModel) -> None:
    """Write the model's arrays beside the token cache (whole, by a rename); ignored when it cannot."""
    meta = json.dumps({"classes": model.classes, "settings": model.settings, "temperature": model.temperature,
                       "fingerprint": model.fingerprint, "trained_on": model.trained_on}, ensure_ascii=False)
    arrays = {"meta": np.array(meta), "coef": model.coef, "intercept": model.intercept}
    for k, block in (("chars", model.chars), ("tokens", model.tokens)):
        terms = sorted(block.vocabulary, key=block.vocabulary.get)
        arrays[f"{k}_terms"] = np.array(terms, dtype=str)
        # the cache gives term i column i: not so for a file listing a term twice; and numpy drops
        # a string's trailing NULs
        if [block.vocabulary[t] for t in terms] != list(range(len(terms))) or arrays[f"{k}_terms"].tolist() != terms:
            return
        arrays[f"{k}_idf"] = block.idf
    tmp = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=cache.name, suffix=".npz", dir=cache.parent)
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, cache)
    except Exception:   # noqa: BLE001 - a cache that cannot be written is no error
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _parse(path: Path, raw: bytes, hint: str) -> TopicModel:
    try:
        d = json.loads(raw.decode("utf-8"))
        if d.get("format") != FORMAT:
            raise ValueError(f"format {d.get('format')!r}, expected {FORMAT}")
        blocks = [Block({t: i for i, t in enumerate(d[k]["terms"])}, np.array(d[k]["idf"], dtype=float))
                  for k in ("chars", "tokens")]
        # int / 1e6 is the double nearest the 6-decimal value, exactly as parsing "-0.009174" gives
        coef = np.array(d["coef"], dtype=float) / d["coef_scale"]
        # the lexicon block has two columns per codebook topic (settings["topics"], codebook order)
        width = len(blocks[0].idf) + len(blocks[1].idf) + 2 * len(d["settings"]["topics"])
        if coef.shape != (len(d["classes"]), width):
            raise ValueError(f"coefficients {coef.shape}, expected {(len(d['classes']), width)}")
        return TopicModel(list(d["classes"]), dict(d["settings"]), blocks[0], blocks[1], coef,
                          np.array(d["intercept"], dtype=float), float(d["temperature"]), str(d["fingerprint"]),
                          int(d["trained_on"]))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise SourceError(path, f"not a readable topic model ({exc}){hint}") from None
