"""Template groups and grouped folds: variants of one template never on both sides.

A writer's `group` ties the variants of one template; files without one are their own
group. Near-duplicates across groups (a template copied into another set, a message
rewritten with other names) are found by the cosine of their word TF-IDF and merged.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
from carnet.classify.evaluate import Label
from carnet.classify.tables import training_config
from carnet.classify.text import flat
from carnet.ingest.message import Message
from sklearn.feature_extraction.text import TfidfVectorizer

TEXT_CHARS = 2000


def template_groups(labels: Sequence[Label], messages: Sequence[Message]) -> list[str]:
    """One group name per message: its label's group, merged with its near-duplicates'."""
    parent = list(range(len(labels)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, label in enumerate(labels):
        parent[root(i)] = root(first.setdefault(label.group, i))
    for i, j in near_duplicates(messages, training_config()["near_duplicate"]):
        parent[root(i)] = root(j)
    return [labels[root(i)].group for i in range(len(labels))]


def near_duplicates(messages: Sequence[Message], threshold: float) -> list[tuple[int, int]]:
    """Pairs of messages whose subject and opening are at least `threshold` similar."""
    if len(messages) < 2:
        return []
    texts = [flat(f"{m.subject} {m.text[:TEXT_CHARS]}") for m in messages]
    vectors = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True).fit_transform(texts)
    similar = (vectors @ vectors.T).tocoo()
    return [(int(i), int(j)) for i, j, v in zip(similar.row, similar.col, similar.data, strict=True)
            if i < j and v >= threshold]


def grouped_folds(groups: Sequence[str], folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index arrays; each group in exactly one test fold, folds of similar size."""
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    order = sorted(members)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda g: -len(members[g]))  # largest first, ties in the shuffled order
    sizes, assigned = [0] * folds, [[] for _ in range(folds)]
    for group in order:
        fold = sizes.index(min(sizes))
        assigned[fold] += members[group]
        sizes[fold] += len(members[group])
    everything = np.arange(len(groups))
    return [(np.setdiff1d(everything, test), np.array(sorted(test))) for test in assigned if test]
