"""TopicCoder.matches: lexicon terms on token boundaries, the longest run of up to six tokens first,
as the plain search over every run gives them."""

import random
from collections import Counter

from analysis.topics import coder as coder_mod
from analysis.topics.coder import TopicCoder


def _every_run(toks, terms):
    found, i = Counter(), 0
    while i < len(toks):
        for j in range(min(len(toks), i + coder_mod._MAX_TERM_TOKENS), i, -1):
            if "".join(toks[i:j]) in terms:
                found["".join(toks[i:j])] += 1
                i = j
                break
        else:
            i += 1
    return found


def test_the_longest_term_on_token_boundaries_wins():
    coder = TopicCoder()
    coder.segmenter.tokens = lambda text: text.split("|")
    assert "医保" in coder._terms and "医保基金监管" in coder._terms and "医保基金" not in coder._terms
    assert coder.matches("加强|医保|基金|监管|工作") == Counter({"医保基金监管": 1})   # not 医保 alone
    assert coder.matches("医保|基金|管理") == Counter({"医保": 1})     # 医保基金 starts a term but is none
    assert coder.matches("医|保") == Counter({"医保": 1})               # a term across two tokens


def test_it_finds_what_the_search_over_every_run_finds():
    coder = TopicCoder()
    coder.segmenter.tokens = lambda text: text.split("|")
    rng = random.Random(18)
    terms = sorted(coder._terms)
    pieces = [t[k:k + n] for t in terms[::7] for k in range(len(t)) for n in (1, 2)] + ["的", "和", "推进"]
    for _ in range(3_000):
        toks = [rng.choice(pieces) for _ in range(rng.randint(0, 12))]
        assert coder.matches("|".join(toks)) == _every_run(toks, coder._terms), toks
