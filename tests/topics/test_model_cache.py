"""The topic model's arrays cached by the bytes of its file: the same model from the cache as from
the JSON, a damaged cache ignored, a changed file never served from an old cache."""

import numpy as np
import pytest

from analysis.topics import model as topic_model


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    topic_model.load_model.cache_clear()
    yield tmp_path / "cache"
    topic_model.load_model.cache_clear()


def _same(a, b):
    assert (a.classes, a.settings, a.temperature, a.fingerprint, a.trained_on) == \
        (b.classes, b.settings, b.temperature, b.fingerprint, b.trained_on)
    assert a.chars.vocabulary == b.chars.vocabulary and a.tokens.vocabulary == b.tokens.vocabulary
    for x, y in ((a.coef, b.coef), (a.intercept, b.intercept), (a.chars.idf, b.chars.idf), (a.tokens.idf, b.tokens.idf)):
        assert x.dtype == y.dtype and np.array_equal(x, y)      # to the last bit


def test_the_cached_model_is_the_parsed_one(cache):
    parsed = topic_model.load_model()
    files = list(cache.glob("topic-model-*.npz"))
    assert len(files) == 1
    topic_model.load_model.cache_clear()
    assert topic_model._cached(files[0]) is not None
    _same(topic_model.load_model(), parsed)


def test_a_damaged_cache_is_parsed_past_and_rewritten(cache):
    parsed = topic_model.load_model()
    (file,) = cache.glob("topic-model-*.npz")
    file.write_bytes(b"not a zip")
    topic_model.load_model.cache_clear()
    _same(topic_model.load_model(), parsed)
    assert topic_model._cached(file) is not None


def test_a_changed_model_file_gets_a_cache_of_its_own(cache, tmp_path):
    topic_model.load_model()
    edited = tmp_path / "topic_model.json"
    edited.write_bytes(topic_model.MODEL_FILE.read_bytes().replace(b'"temperature":', b'"temperature": ', 1))
    topic_model.load_model(edited)
    assert len(list(cache.glob("topic-model-*.npz"))) == 2


def test_an_unwritable_cache_folder_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("ANALYSIS_CACHE", str(blocker / "cache"))      # under a file: cannot be made
    topic_model.load_model.cache_clear()
    try:
        assert topic_model.load_model().classes
    finally:
        topic_model.load_model.cache_clear()


def test_a_vocabulary_that_is_not_one_column_per_term_is_not_cached(cache):
    import dataclasses

    model = topic_model.load_model()
    files = set(cache.glob("*.npz"))
    odd = dataclasses.replace(model, chars=topic_model.Block({"甲": 1, "乙": 0, "丙": 5}, model.chars.idf[:3]))
    topic_model._cache(cache / "odd.npz", odd)
    assert set(cache.glob("*.npz")) == files and not list(cache.glob("odd*"))
