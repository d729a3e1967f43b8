"""The topic model's probabilities, computed a batch of units at a time (bounded memory at corpus
scale) from the feature rows' nonzero entries, are those of the dense feature rows of all units at
once: each row depends on its own unit only."""

import numpy as np

from analysis.topics.coder import TopicCoder
from analysis.topics.model import load_model


def test_batches_give_the_probabilities_of_all_units_at_once(t):
    model, coder = load_model(), TopicCoder()
    texts = t["units"][t["units"].kind == "task"].text_clean.tolist()[:59] + ["  "]   # a unit with no term
    lexicon = np.log1p(np.random.default_rng(0).integers(0, 6, (len(texts), 2 * len(model.settings["topics"]))))
    whole = model.proba(model.features(texts, coder.segmenter.tokens, lexicon))
    batched = model.probabilities(texts, coder.segmenter.tokens, lexicon, batch=7)
    assert batched.shape == (60, len(model.classes))
    assert np.allclose(batched, whole, rtol=0, atol=1e-12)
    assert model.probabilities([], coder.segmenter.tokens, np.zeros((0, lexicon.shape[1]))).shape == (0, len(model.classes))
