"""A scikit-learn classifier for the tasks the lexicon cannot code.

TF-IDF over character 1-3-grams (Chinese has no spaces; characters never hide a signal) and
over jieba tokens, into a logistic regression. It is trained on the units the lexicon coded
from their own text, so it needs no hand-coded labels and never sees the reference sample's
answers; `python -m analysis topics --agreement` reports how it does on that sample when
trained on every other unit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union

MIN_TRAINING_UNITS = 20


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
