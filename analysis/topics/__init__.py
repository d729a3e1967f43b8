"""Topics: task text -> codes of the shared bilingual codebook, and how well the coding agrees.

In: the `units` table. Out: the `task_topics` table (primary and secondary topics, probabilities, evidence).

    codebook    data/taxonomy/topics.yml and functions.yml: codes, labels, lexicon, weights
    coder       jieba tokens x weighted lexicon with heading context; the model's primary, top three, confidence
    token_cache jieba's tokens of each text on disk, by hash: a warm build never loads jieba
    model       the topic model applied with numpy from data/taxonomy/topic_model.json
    training    fitting it on the shipped hand codings (scikit-learn), leave-one-document-out, calibration
    review      `topics --review`: the low-confidence codes as a CSV that `build --overrides` reads back
    overrides   data/taxonomy/overrides.csv: researchers' decisions, applied last
    table       the task_topics table: coding, then overrides
    agreement   `python -m analysis topics --agreement | --explain`
"""
