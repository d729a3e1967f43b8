"""repairs._find_loose (a curated repair's context found in a document) finds exactly what the
loose regular expression finds: whitespace between characters, either width of punctuation,
traditional characters as simplified."""

import random

import pytest

from analysis.reading.agencies import fold, loose_pattern
from analysis.reading.repairs import _find_loose
from analysis.reading.spans import SPACE


def _by_pattern(context: str, text: str) -> list[list[int]]:
    return [[i for i in range(m.start(), m.end()) if text[i] not in SPACE]
            for m in loose_pattern(context).finditer(fold(text))]


@pytest.mark.parametrize("context, text, want", [
    ("医保基金", "推进医保\n基金监管，医 保基金", [[2, 3, 5, 6], [10, 12, 13, 14]]),
    ("（一）", "(一)完善(一）", [[0, 1, 2], [5, 6, 7]]),       # either width of parenthesis
    ("負責", "市卫健委负责", [[4, 5]]),                       # traditional reads as simplified
    ("监管", "无此词", []),
    ("aa", "aaaaa", [[0, 1], [2, 3]]),                       # leftmost, not overlapping
])
def test_a_context_is_found_across_whitespace_and_widths(context, text, want):
    assert _find_loose(context, text) == want == _by_pattern(context, text)


def test_it_agrees_with_the_loose_pattern_on_random_text():
    rng = random.Random(18)
    alphabet = "医保基金监管负責责（）()，,一二" + SPACE + "\u2005"     # \u2005 folds to a space
    for _ in range(2_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        context = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
        assert _find_loose(context, text) == _by_pattern(context, text), (context, text)
