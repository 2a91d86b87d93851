"""Retrieval metrics over ranked (act_id, article) lists with binary relevance.

Search returns chunks or per-language records, so one article can come back twice (its Russian
and Kazakh text, or two of its points). Ranks are therefore taken after :func:`dedupe_ranked`,
which keeps each (act_id, article) at its first position. A question is labelled with the
articles a correct answer must cite, e.g. {("Z100000274_", "30"), ("Z100000274_", "14")}.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

Pair = tuple  # (act_id, article)


def dedupe_ranked(pairs: Iterable[Pair]) -> list[Pair]:
    """The ranked pairs with repeats removed, each kept at its first (best) rank."""
    seen: set[Pair] = set()
    out: list[Pair] = []
    for pair in pairs:
        if pair not in seen:
            seen.add(pair)
            out.append(pair)
    return out


def recall_at_k(ranked: Sequence[Pair], relevant: set[Pair], k: int) -> float:
    """Share of the relevant articles found among the first ``k`` distinct ranked articles.

    0.0 when nothing is relevant (such a question should not be in a labelled set).
    """
    if not relevant:
        return 0.0
    return len(set(dedupe_ranked(ranked)[:k]) & relevant) / len(relevant)


def reciprocal_rank(ranked: Sequence[Pair], relevant: set[Pair], k: int | None = None) -> float:
    """1 / rank of the first relevant article (ranks from 1, after dedup, within ``k``), else 0.0."""
    for rank, pair in enumerate(dedupe_ranked(ranked)[:k], 1):
        if pair in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[Pair], relevant: set[Pair], k: int = 10) -> float:
    """Binary-relevance nDCG@k: Σ 1/log2(rank+1) over relevant hits in the top k, divided by the ideal.

    The ideal ranking puts min(|relevant|, k) relevant articles first. 0.0 when nothing is relevant.
    """
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, pair in enumerate(dedupe_ranked(ranked)[:k], 1) if pair in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def retrieval_scores(ranked: Sequence[Pair], relevant: set[Pair], k: int = 10) -> dict[str, float]:
    """Per-question scores: recall@1, recall@5 (when k ≥ 5), recall@k, mrr (within k) and ndcg@10."""
    cutoffs = sorted({c for c in (1, 5) if c <= k} | {k})
    scores = {f"recall@{c}": recall_at_k(ranked, relevant, c) for c in cutoffs}
    scores["mrr"] = reciprocal_rank(ranked, relevant, k)
    scores["ndcg@10"] = ndcg_at_k(ranked, relevant, 10)
    return scores
