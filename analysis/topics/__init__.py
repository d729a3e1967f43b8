"""Topics: task text -> codes of the shared bilingual codebook, and how well the coding agrees.

In: the `units` table. Out: the `task_topics` table (primary and secondary topics, evidence).

    codebook    data/taxonomy/topics.yml and functions.yml: codes, labels, lexicon, weights
    coder       jieba tokens x weighted lexicon with heading context
    token_cache jieba's tokens of each text on disk, by hash: a warm build never loads jieba
    model       scikit-learn fallback classifier for units the lexicon cannot code
    overrides   data/taxonomy/overrides.csv: researchers' decisions, applied last
    table       the task_topics table: coding, then overrides
    agreement   `python -m analysis topics --agreement | --explain`
"""
