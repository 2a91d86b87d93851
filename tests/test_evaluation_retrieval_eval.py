"""Retrieval evaluation against a fake in-memory searcher (the real one is retrieval.search.Searcher)."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from corpora.errors import KzlegalError
from evaluation.cli import run_retrieval
from evaluation.config import EvalConfig
from evaluation.retrieval_eval import evaluate_retrieval


@dataclass
class FakeHit:
    act_id: str
    article: str


class FakeStore:
    def __init__(self, acts):
        self.acts = set(acts)

    def act_ids(self):
        return set(self.acts)


class FakeSearcher:
    """Returns a fixed ranking per question text; records the calls it got."""

    def __init__(self, rankings, acts):
        self.rankings = rankings
        self.store = FakeStore(acts)
        self.calls = []

    def search(self, query, k=10, act=None, lang=None, include_repealed=False):
        self.calls.append((query, k))
        return [FakeHit(a, art) for a, art in self.rankings.get(query, [])][:k]


QUESTIONS = [
    {"id": "q1", "question": "вернуть пылесос", "lang": "ru", "domain": "consumer",
     "citations": [{"act_id": "Z1", "article": "30"}, {"act_id": "Z1", "article": "14"}]},
    {"id": "q2", "question": "отпуск", "lang": "ru", "domain": "labour",
     "citations": [{"act_id": "K1", "article": "88"}]},
    {"id": "q3", "question": "налог", "lang": "kk", "domain": "tax",
     "citations": [{"act_id": "NOT_INDEXED", "article": "1"}]},
]
RANKINGS = {
    "вернуть пылесос": [("Z1", "30"), ("Z1", "30"), ("Z1", "1"), ("Z1", "14")],
    "отпуск": [("K1", "1"), ("K1", "88")],
}


def test_scores_each_question_once_with_depth_at_least_ten():
    searcher = FakeSearcher(RANKINGS, {"Z1", "K1"})
    results, info = evaluate_retrieval(QUESTIONS, searcher, k=3, progress=False)
    assert [c[1] for c in searcher.calls] == [10, 10, 10]
    q1, q2, q3 = (r["metrics"] for r in results)
    assert q1["recall@3"] == 1.0 and q1["recall@1"] == 0.5 and q1["mrr"] == 1.0
    assert q2["recall@1"] == 0.0 and q2["mrr"] == 0.5
    assert q3["recall@3"] == 0.0 and q3["ndcg@10"] == 0.0
    assert results[0]["retrieved"][:2] == [["Z1", "30"], ["Z1", "1"]]
    assert info == {"total": 3, "unlabelled": 0, "evaluated": 3, "covered_only": False, "k": 3}


def test_covered_only_drops_questions_citing_unindexed_acts():
    searcher = FakeSearcher(RANKINGS, {"Z1", "K1"})
    results, info = evaluate_retrieval(QUESTIONS, searcher, k=10, covered_only=True, progress=False)
    assert [r["id"] for r in results] == ["q1", "q2"] and info["evaluated"] == 2
    with pytest.raises(KzlegalError, match="none of the 3 questions"):
        evaluate_retrieval(QUESTIONS, FakeSearcher(RANKINGS, set()), covered_only=True, progress=False)


def test_unlabelled_questions_are_skipped():
    unlabelled = {"id": "q4", "question": "извлеките факты", "citations": []}
    results, info = evaluate_retrieval(QUESTIONS + [unlabelled], FakeSearcher(RANKINGS, {"Z1"}), progress=False)
    assert info["unlabelled"] == 1 and len(results) == 3
    with pytest.raises(KzlegalError, match="labelled"):
        evaluate_retrieval([unlabelled], FakeSearcher(RANKINGS, {"Z1"}), progress=False)


def test_run_retrieval_summary(tmp_path):
    f = tmp_path / "q.jsonl"
    unlabelled = {"id": "q4", "question": "извлеките факты", "citations": []}
    f.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUESTIONS + [unlabelled]), encoding="utf-8")
    payload, results = run_retrieval(f, FakeSearcher(RANKINGS, {"Z1", "K1"}), 10, True,
                                     EvalConfig(bootstrap_resamples=100), progress=False)
    assert payload["n"] == 2
    assert payload["mean"]["mrr"] == pytest.approx(0.75)
    assert payload["mean"]["recall@10"] == 1.0
    assert set(payload["by_domain"]) == {"consumer", "labour"}
    assert payload["notes"] == ["1 of 4 questions skipped: no cited articles to retrieve",
                                "1 of 4 questions left out: they cite acts not in the index"]


class OracleSearcher(FakeSearcher):
    """Returns each question's own labelled articles first: every metric must come out perfect."""

    def __init__(self, questions):
        super().__init__({q["question"]: [(c["act_id"], c["article"]) for c in q["citations"]] for q in questions},
                         {c["act_id"] for q in questions for c in q["citations"]})


@pytest.mark.shared
def test_zann_questions_load_and_an_oracle_scores_perfectly(zann_file):
    from evaluation.inputs import load_questions

    questions = load_questions(zann_file)
    results, info = evaluate_retrieval(questions, OracleSearcher(questions), k=10, progress=False)
    assert info["evaluated"] == len(questions) - info["unlabelled"] > 0
    assert all(r["metrics"]["mrr"] == 1.0 and r["metrics"]["ndcg@10"] == pytest.approx(1.0) for r in results)


class BatchingSearcher(FakeSearcher):
    def search_many(self, queries, k=10):
        self.calls.append(("many", len(queries), k))
        return [self.search(q, k) for q in queries]


def test_batched_search_gives_the_same_scores():
    plain, _ = evaluate_retrieval(QUESTIONS, FakeSearcher(RANKINGS, {"Z1", "K1"}), k=5, progress=False)
    searcher = BatchingSearcher(RANKINGS, {"Z1", "K1"})
    batched, _ = evaluate_retrieval(QUESTIONS, searcher, k=5, progress=False)
    assert searcher.calls[0] == ("many", 3, 10)
    assert [r["metrics"] for r in batched] == [r["metrics"] for r in plain]
