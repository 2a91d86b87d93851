"""Recall@k, MRR and nDCG@10 over deduplicated (act_id, article) rankings."""
from __future__ import annotations

import math

import pytest

from evaluation import retrieval_metrics as rm

A1, A3, B2, C9 = ("A", "1"), ("A", "3"), ("B", "2"), ("C", "9")
RANKED = [A1, A1, B2, A3]  # A1 twice (ru and kk record): counts once, at rank 1
RELEVANT = {A3, C9}


def test_dedupe_keeps_first_position():
    assert rm.dedupe_ranked(RANKED) == [A1, B2, A3]


def test_recall_at_k_after_dedup():
    assert rm.recall_at_k(RANKED, RELEVANT, 2) == 0.0
    assert rm.recall_at_k(RANKED, RELEVANT, 3) == 0.5  # A3 is third once A1's repeat is gone
    assert rm.recall_at_k([], RELEVANT, 10) == 0.0
    assert rm.recall_at_k(RANKED, set(), 10) == 0.0


def test_reciprocal_rank():
    assert rm.reciprocal_rank(RANKED, RELEVANT) == pytest.approx(1 / 3)
    assert rm.reciprocal_rank(RANKED, RELEVANT, k=2) == 0.0
    assert rm.reciprocal_rank([A3], RELEVANT) == 1.0


def test_ndcg_at_10():
    # DCG = 1/log2(4); ideal for 2 relevant = 1 + 1/log2(3)
    assert rm.ndcg_at_k(RANKED, RELEVANT, 10) == pytest.approx(0.5 / (1 + 1 / math.log2(3)))
    assert rm.ndcg_at_k([A3, C9], RELEVANT, 10) == pytest.approx(1.0)
    assert rm.ndcg_at_k([B2], RELEVANT, 10) == 0.0


def test_retrieval_scores_keys_follow_k():
    assert set(rm.retrieval_scores(RANKED, RELEVANT, 3)) == {"recall@1", "recall@3", "mrr", "ndcg@10"}
    assert set(rm.retrieval_scores(RANKED, RELEVANT, 10)) == {"recall@1", "recall@5", "recall@10", "mrr", "ndcg@10"}
