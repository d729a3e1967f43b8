"""A scikit-learn classifier for the tasks the lexicon cannot code.

TF-IDF over character 1-3-grams (Chinese has no spaces; characters never hide a signal) and
over jieba tokens, into a logistic regression. It is trained on the units the lexicon coded
from their own text, so it needs no hand-coded labels and never sees the reference sample's
answers; `python -m analysis topics --agreement` reports how it does on that sample when
trained on every other unit.

The training set is fixed, not the current manifest's: data/taxonomy/fallback_training.csv holds
the shipped documents' lexicon-coded tasks (text and topic), written by
`python -m analysis topics --write-training` and checked against the shipped build by the tests.
So a document's codes never depend on which other documents are built with it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

MIN_TRAINING_UNITS = 20
TRAINING_FILE = Path(__file__).resolve().parents[2] / "data" / "taxonomy" / "fallback_training.csv"
TRAINING_HEADER = ["unit_id", "topic", "text"]


def load_training(path: Path = TRAINING_FILE) -> tuple[list[str], list[str]] | None:
    """(texts, topics) of the fixed training set, or None when the file is absent."""
    from analysis.errors import SourceError

    if not Path(path).exists():
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(path, f"cannot read the classifier's training set ({exc})") from None
    if not rows or rows[0] != TRAINING_HEADER or any(len(r) != 3 for r in rows[1:]):
        raise SourceError(path, f"expected the columns {','.join(TRAINING_HEADER)}")
    return [r[2] for r in rows[1:]], [r[1] for r in rows[1:]]


def write_training(path: Path, unit_ids: Sequence[str], topics: Sequence[str], texts: Sequence[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(TRAINING_HEADER)
        w.writerows(zip(unit_ids, topics, texts))


def make_model(tokenize: Callable[[str], list[str]]) -> Pipeline:
    features = make_union(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
        TfidfVectorizer(analyzer=tokenize, sublinear_tf=True, min_df=1),
    )
    return Pipeline([("features", features), ("clf", LogisticRegression(C=10.0, max_iter=5000))])


def fit_predict(tokenize: Callable[[str], list[str]], train_texts: Sequence[str], train_labels: Sequence[str],
                texts: Sequence[str]) -> list[tuple[str, float]]:
    """(label, probability) for each text; empty when there is too little to learn from."""
    if len(train_texts) < MIN_TRAINING_UNITS or len(set(train_labels)) < 2 or not texts:
        return []
    model = make_model(tokenize).fit(list(train_texts), list(train_labels))
    probs = model.predict_proba(list(texts))
    classes = model.classes_
    return [(str(classes[row.argmax()]), float(row.max())) for row in probs]
