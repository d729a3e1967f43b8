"""Wording: the units of every document -> what their texts share.

In: the `units` table. Out: the `shared_passages` and `task_similarity` tables.

    passages         the passage finder: winnowed shingles, exact seeds, chains, alignment
    shared_passages  the shared_passages table: settings and boilerplate from
                     data/dictionaries/shared_wording.yml, units each side
    similarity       the task_similarity table: TF-IDF over jieba tokens and character n-grams
    agreement        `python -m analysis wording --agreement`, against tests/fixtures/shared/
"""
