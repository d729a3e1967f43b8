"""Training the topic model on the shipped hand codings, and measuring it leave-one-document-out.

    python -m analysis topics --train     writes data/taxonomy/topic_model.json

The training examples are the 284 coded units of the five shipped documents; each one's label is
a researcher's override (data/taxonomy/overrides.csv) when there is one, else the reference
coding (tests/fixtures/topics/reference.csv, 100 tasks) when it holds the unit, else the second
reading (second_reading.csv, all 284). Settings come from topics.yml's `model:` section.

Leave-one-document-out (LODO): for each shipped document, the model is fitted on the other four
documents' units only and codes that document; the temperature that calibrates the probabilities
is then fitted on those out-of-document scores. The LODO probabilities are stored in the model
file, so `topics --agreement` prints the out-of-document figures without refitting; the
fingerprint (of the examples and settings) tells whether the file is stale. scikit-learn is
imported here only: a build reads the JSON file and needs no fitting.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import SourceError
from analysis.topics.codebook import OVERRIDES_FILE, TOPICS_FILE
from analysis.topics.coder import TopicCoder, UnitScore, score_units
from analysis.topics.model import Block, TopicModel, char_ngrams, lexicon_features, softmax

SETTINGS = {"C": float, "lexicon_weight": float, "heading_weight": float, "char_ngrams": list, "min_df": int}


@dataclass(frozen=True)
class Example:
    unit_id: str
    doc: str
    text: str
    lexicon: list[float]
    label: str


def load_settings(path=TOPICS_FILE) -> dict:
    from analysis.config import read_yaml

    _, data = read_yaml(path)
    raw = (data or {}).get("model") or {}
    unknown, missing = sorted(set(raw) - set(SETTINGS)), sorted(set(SETTINGS) - set(raw))
    if unknown or missing:
        raise SourceError(path, f"model: unknown {unknown or '-'}, missing {missing or '-'}")
    return {k: SETTINGS[k](v) for k, v in raw.items()}


def unit_lexicon(us: UnitScore, codes: list[str]) -> list[float]:
    return lexicon_features([us.text_score(t) for t in codes], [us.context_score(t) for t in codes])


def examples(tables: dict[str, pd.DataFrame], coder: TopicCoder) -> list[Example]:
    """The shipped documents' coded units with their hand-coded labels, in unit order."""
    from analysis.topics import overrides as topic_overrides
    from analysis.topics.agreement import REFERENCE, SECOND_READING, load_coding

    scores = score_units(tables["units"], tables["targets"], tables["task_agencies"], coder)
    reference, second = load_coding(REFERENCE), load_coding(SECOND_READING)
    chosen = {o.unit_id: o.topic for o in topic_overrides.load(OVERRIDES_FILE, coder.codebook, set(scores))
              if o.is_primary}
    out = []
    for uid, us in scores.items():
        if uid not in second.index:
            raise SourceError(SECOND_READING, f"no hand coding of {uid}: every shipped unit needs one")
        label = chosen.get(uid) or (reference.loc[uid, "primary"] if uid in reference.index else second.loc[uid, "primary"])
        out.append(Example(uid, uid.split(":", 1)[0], us.own_text, unit_lexicon(us, coder.codebook.codes), label))
    return out


def fingerprint(exs: list[Example], settings: dict, codes: list[str]) -> str:
    payload = {"settings": settings, "topics": codes,
               "examples": [[e.unit_id, e.text, e.label, [round(x, 6) for x in e.lexicon]] for e in exs]}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def fit(exs: list[Example], settings: dict, codes: list[str], tokenize) -> TopicModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    lo, hi = settings["char_ngrams"]
    texts = [e.text for e in exs]
    blocks = []
    for analyzer in (lambda t: char_ngrams(t, lo, hi), tokenize):
        v = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=settings["min_df"]).fit(texts)
        blocks.append(Block({t: int(i) for t, i in v.vocabulary_.items()}, v.idf_.copy()))
    partial = TopicModel([], {**settings, "topics": codes}, blocks[0], blocks[1], np.zeros((0, 0)), np.zeros(0),
                         1.0, "", len(exs))
    X = partial.features(texts, tokenize, np.array([e.lexicon for e in exs]))
    clf = LogisticRegression(C=settings["C"], max_iter=10000).fit(X, [e.label for e in exs])
    return TopicModel([str(c) for c in clf.classes_], partial.settings, blocks[0], blocks[1], clf.coef_,
                      clf.intercept_, 1.0, "", len(exs))


def logits(model: TopicModel, exs: list[Example], tokenize, codes: list[str]) -> np.ndarray:
    """Scores over every codebook topic (a topic the model never saw gets -inf)."""
    X = model.features([e.text for e in exs], tokenize, np.array([e.lexicon for e in exs]))
    z = X @ model.coef.T + model.intercept
    out = np.full((len(exs), len(codes)), -np.inf)
    for k, c in enumerate(model.classes):
        out[:, codes.index(c)] = z[:, k]
    return out


def leave_one_document_out(exs: list[Example], settings: dict, codes: list[str], tokenize) -> np.ndarray:
    out = np.zeros((len(exs), len(codes)))
    docs = np.array([e.doc for e in exs])
    for d in dict.fromkeys(docs):
        test = docs == d
        model = fit([e for e, t in zip(exs, test) if not t], settings, codes, tokenize)
        out[test] = logits(model, [e for e, t in zip(exs, test) if t], tokenize, codes)
    return out


def fit_temperature(z: np.ndarray, labels: list[str], codes: list[str]) -> float:
    """The temperature minimising the log loss of out-of-document scores."""
    from scipy.optimize import minimize_scalar

    y = np.array([codes.index(label) for label in labels])
    finite = np.where(np.isfinite(z), z, -1e9)

    def loss(t: float) -> float:
        p = softmax(finite / t)[np.arange(len(y)), y]
        return float(-np.log(np.maximum(p, 1e-12)).mean())

    return float(minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded").x)


def train(tables: dict[str, pd.DataFrame], coder: TopicCoder) -> tuple[TopicModel, dict]:
    """The model fitted on all five documents, calibrated on LODO scores; and the LODO probabilities."""
    settings, codes, tok = load_settings(), coder.codebook.codes, coder.segmenter.tokens
    exs = examples(tables, coder)
    z = leave_one_document_out(exs, settings, codes, tok)
    temperature = fit_temperature(z, [e.label for e in exs], codes)
    p = softmax(np.where(np.isfinite(z), z, -1e9) / temperature)
    lodo = {e.unit_id: [round(float(x), 5) for x in row] for e, row in zip(exs, p)}
    full = fit(exs, settings, codes, tok)
    model = TopicModel(full.classes, full.settings, full.chars, full.tokens, full.coef, full.intercept,
                       temperature, fingerprint(exs, settings, codes), len(exs))
    return model, lodo
