"""Example questions: reading them, their votes, the bank in the index, and their place in the fusion."""
import json
import math

import numpy as np
import pytest

from corpora.errors import KzlegalError
from corpora.store import load_store
from retrieval.config import RetrievalConfig
from retrieval.embedders import HashEmbedder
from retrieval.examples import article_votes, build_bank, read_examples
from retrieval.index import build_index, load_index, save_index
from retrieval.search import Searcher

from retrieval_corpus import CONSUMER, LABOUR, write_corpus

OVERTIME = "Начальник заставляет сидеть до ночи, а сверху ничего не платит. Это законно?"
ANNUAL = "Сколько календарных дней ежегодного оплачиваемого отпуска?"


def write_examples(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def cites(*pairs):
    return [{"act_id": act, "article": article} for act, article in pairs]


def test_votes_fade_with_distance_from_the_closest_example_and_add_up():
    votes = article_votes(np.array([0.9, 0.85, 0.5]), [[("A", "1")], [("A", "1"), ("B", "2")], [("C", "3")]], 0.05)
    assert votes[("A", "1")] == pytest.approx(1 + math.exp(-1))
    assert votes[("B", "2")] == pytest.approx(math.exp(-1))
    assert votes[("C", "3")] == pytest.approx(math.exp(-8))
    with pytest.raises(KzlegalError, match="example_tau"):
        article_votes(np.array([0.5]), [[("A", "1")]], 0.0)


def test_read_examples_merges_repeats_skips_missing_files_and_names_bad_lines(tmp_path, capsys):
    good = write_examples(tmp_path / "a.jsonl", [
        {"id": 1, "question": "Можно вернуть товар?", "citations": cites((CONSUMER, "30"))},
        {"id": 2, "question": "можно  вернуть товар?", "citations": cites((CONSUMER, "31"), (CONSUMER, "30"))},
    ])
    questions, citations = read_examples([good, tmp_path / "absent.jsonl"])
    assert questions == ["Можно вернуть товар?"]
    assert citations == [[(CONSUMER, "30"), (CONSUMER, "31")]]
    assert "absent.jsonl not found" in capsys.readouterr().err
    bad = write_examples(tmp_path / "bad.jsonl", [{"question": "Вопрос?", "citations": cites((LABOUR, "10"))},
                                                  {"question": "Вопрос без статьи?", "citations": [{"act_id": LABOUR}]}])
    with pytest.raises(KzlegalError, match=r"bad.jsonl:2: 'citations'"):
        read_examples([bad])
    with pytest.raises(KzlegalError, match=r"empty.jsonl:1: 'question'"):
        read_examples([write_examples(tmp_path / "empty.jsonl", [{"question": " ", "citations": []}])])


def test_bank_keeps_only_indexed_articles_and_leaves_out_evaluated_questions(tmp_path):
    path = write_examples(tmp_path / "ex.jsonl", [
        {"question": OVERTIME, "citations": cites((LABOUR, "14"), (LABOUR, "999"))},
        {"question": "Про другой закон", "citations": cites(("Z000", "1"))},
        {"question": "Сломался телефон на гарантии", "citations": cites((CONSUMER, "31"))},
    ])
    bank = build_bank([path], HashEmbedder(32), {(LABOUR, "14"), (CONSUMER, "31")})
    assert bank.questions == [OVERTIME, "Сломался телефон на гарантии"]
    assert bank.citations == [[(LABOUR, "14")], [(CONSUMER, "31")]]
    assert bank.vectors.shape == (2, 32)
    left = bank.without([" сломался  телефон на гарантии "])
    assert left.questions == [OVERTIME] and left.vectors.shape == (1, 32)


def test_index_saves_the_bank_and_records_it_in_the_manifest(tmp_path):
    path = write_examples(tmp_path / "ex.jsonl", [{"question": OVERTIME, "citations": cites((LABOUR, "14"))}])
    store = load_store(write_corpus(tmp_path / "corpus"))
    data, _ = build_index(store, RetrievalConfig(examples=[str(path)]), HashEmbedder(32))
    assert data.manifest["examples"]["questions"] == 1 and data.manifest["examples"]["files"] == [str(path)]
    save_index(data, tmp_path / "index")
    loaded = load_index(tmp_path / "index").examples
    assert loaded.questions == [OVERTIME] and loaded.citations == [[(LABOUR, "14")]]
    np.testing.assert_allclose(loaded.vectors, data.examples.vectors)
    bare, _ = build_index(store, RetrievalConfig(), HashEmbedder(32))
    assert not bare.examples and bare.manifest["examples"]["questions"] == 0


@pytest.fixture()
def searcher(tmp_path):
    store = load_store(write_corpus(tmp_path / "corpus"))
    path = write_examples(tmp_path / "ex.jsonl", [
        {"question": OVERTIME, "citations": cites((LABOUR, "14"))},
        {"question": ANNUAL, "citations": cites((CONSUMER, "31"))},  # a deliberately wrong label
    ])
    data, _ = build_index(store, RetrievalConfig(examples=[str(path)]), HashEmbedder(64))
    return Searcher(data, HashEmbedder(64), RetrievalConfig(), store=store)


def rank_of(hits, article):
    return next((h.rank for h in hits if h.article == article), None)


def test_an_everyday_question_is_lifted_to_the_article_its_closest_example_cites(searcher):
    question = "Начальник заставляет сидеть до ночи и не платит сверху, законно ли?"
    searcher.config = RetrievalConfig(example_weight=0.0)
    without = rank_of(searcher.search(question, k=10), "14")
    searcher.config = RetrievalConfig(example_weight=2.0)
    assert rank_of(searcher.search(question, k=10), "14") == 1 != without


def test_examples_stay_out_when_dense_and_bm25_agree(searcher):
    searcher.config = RetrievalConfig(example_weight=2.0)
    assert searcher.search(ANNUAL, k=2)[0].article == "10"
    assert rank_of(searcher.search(ANNUAL, k=8), "31") == rank_of(
        Searcher(searcher.data, searcher.embedder, RetrievalConfig(example_weight=0.0)).search(ANNUAL, k=8), "31")
    searcher.config = RetrievalConfig(example_weight=2.0, example_gate=0)  # no gate: the wrong label wins
    assert searcher.search(ANNUAL, k=2)[0].article == "31"


def test_an_empty_bank_searches_like_no_examples(searcher):
    question = "Начальник заставляет сидеть до ночи и не платит сверху, законно ли?"
    searcher.config = RetrievalConfig(example_weight=0.0)
    plain = [(h.article, h.score) for h in searcher.search(question, k=5)]
    searcher.config = RetrievalConfig(example_weight=2.0)
    searcher.data.examples = searcher.data.examples.without([OVERTIME, ANNUAL])
    assert [(h.article, h.score) for h in searcher.search(question, k=5)] == plain


def test_eval_retrieval_leaves_the_evaluated_questions_out_of_the_bank(searcher, tmp_path):
    from evaluation.cli import run_retrieval
    from evaluation.config import EvalConfig

    searcher.config = RetrievalConfig(example_weight=2.0)
    questions = write_examples(tmp_path / "q.jsonl", [{"id": "q1", "question": OVERTIME, "citations": cites((LABOUR, "14"))}])
    payload, results = run_retrieval(questions, searcher, 10, False, EvalConfig(bootstrap_resamples=10), progress=False)
    assert any("1 of the index's example questions" in n for n in payload["notes"])
    assert len(searcher.data.examples) == 2  # restored
    full = searcher.search(OVERTIME, k=10)
    searcher.data.examples = searcher.data.examples.without([OVERTIME])
    left_out = searcher.search(OVERTIME, k=10)
    assert rank_of(full, "14") == 1 and rank_of(left_out, "14") != 1
    assert results[0]["metrics"]["mrr"] == pytest.approx(1 / rank_of(left_out, "14"))
