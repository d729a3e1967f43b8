"""Wording: the units of every document -> what their texts share.

In: the `units` table. Out: the `shared_passages`, `shared_formulations`, `edited_reuse` and
`task_similarity` tables.

    passages         the passage finder: winnowed shingles, exact seeds, chains, alignment
    matches          the finder's inner loops: exact matches grown from seeds, chains
    shared_passages  the shared_passages table: settings and boilerplate from
                     data/dictionaries/shared_wording.yml, units each side
    maximal          maximal phrases two documents share: suffix array, LCP walk
    formulations     the shared_formulations table: phrases no passage holds, distinctiveness, category
    edited           the edited_reuse table: the finder's looser pass, edits listed
    direction        which document has a shared text first, by issue or publication date
    similarity       the task_similarity table: TF-IDF over jieba tokens and character n-grams
    pair_scores      task_similarity's candidate pairs scored exactly
    loops            the loops of matches, maximal and pair_scores, plain Python over arrays
    kernels          those loops as they are (a small corpus) or compiled by numba (compiled_loops)
    agreement        `python -m analysis wording --agreement`, against tests/fixtures/shared/
"""
