"""The extractive generator: picks the question's points, quotes them exactly, cites them parseably."""
import pytest

from assistant.generators.extractive import ExtractiveGenerator, citation_label
from assistant.prompt import TRIM_MARK, PromptBuilder
from assistant.testing import invented_articles
from retrieval.citations import find_citations


def _arts(*numbers, lang="ru"):
    by = {(a.article, a.lang): a for a in invented_articles()}
    return [(by[(n, lang)], 1.0 - i / 10) for i, n in enumerate(numbers)]


@pytest.mark.parametrize("args, ru, kk", [
    (("28", "1", "1"), "пп. 1) п. 1 ст. 28 ТК РК", "ЕК 28-бабы 1-тармағының 1) тармақшасы"),
    (("33", "2", None), "п. 2 ст. 33 ТК РК", "ЕК 33-бабының 2-тармағы"),
    (("68", None, None), "ст. 68 ТК РК", "ЕК 68-бабы"),
])
def test_citation_labels_parse_back(args, ru, kk):
    article, point, sub = args
    for lang, short, expected in (("ru", "ТК РК", ru), ("kk", "ЕК", kk)):
        label = citation_label(short, article, point, sub, lang)
        assert label == expected
        [ref] = find_citations(label)
        assert (ref.act_id, ref.article, ref.point, ref.subpoint) == ("K1500000414", article, point, sub)


def test_quotes_the_most_relevant_points_with_their_citations():
    prompt = PromptBuilder(3000).build("Работник поменял фамилию. Как оформить?", "ru", _arts("28", "33", "68"))
    text = ExtractiveGenerator().generate(prompt)
    assert "п. 2 ст. 33 ТК РК" in text  # «при изменении ... фамилии»
    assert "пп. 1) п. 1 ст. 28 ТК РК" in text  # «фамилия, имя и отчество работника»
    assert "ст. 68" not in text  # leave is irrelevant
    assert "«При изменении сведений о работнике, в том числе фамилии" in text
    refs = {(r.article, r.point, r.subpoint) for r in find_citations(text)}
    assert ("28", "1", "1") in refs and ("33", "2", None) in refs


def test_sub_point_is_quoted_after_its_lead_in_and_unrelated_lines_are_marked():
    prompt = PromptBuilder(3000).build("фамилия работника в договоре", "ru", _arts("28"))
    text = ExtractiveGenerator(max_points=1).generate(prompt)
    assert "«В трудовом договоре указываются: сведения о сторонах: фамилия, имя и отчество работника" in text
    assert "наименование и адрес работодателя" not in text
    assert TRIM_MARK in text


def test_kazakh_answer_with_kazakh_citations():
    prompt = PromptBuilder(3000).build("Жұмыскердің тегі өзгерді. Қалай рәсімдеу керек?", "kk", _arts("33", "28", lang="kk"))
    text = ExtractiveGenerator().generate(prompt)
    assert text.startswith("Сұрағыңызға")
    assert "ЕК 33-бабының 2-тармағы" in text
    assert "Жұмыскердің тегі өзгерген кезде" in text


def test_limits_and_nothing_relevant():
    prompt = PromptBuilder(3000).build("фамилия работника договор", "ru", _arts("28", "33"))
    gen = ExtractiveGenerator(max_points=2)
    picks = gen.pick(prompt)
    assert len(picks) <= 2
    # no word in common: the search ranked the article first (e.g. by meaning), so its first point is quoted
    prompt = PromptBuilder(3000).build("криптовалюта блокчейн", "ru", _arts("30", "68"))
    text = ExtractiveGenerator().generate(prompt)
    assert "п. 1 ст. 30" in text and "ст. 68" not in text
    prompt = PromptBuilder(3000).build("криптовалюта блокчейн", "ru", [])
    assert "не нашлось положений" in ExtractiveGenerator().generate(prompt)


def test_no_retrieval_is_explained():
    prompt = PromptBuilder(3000).build("фамилия", "ru", [], retrieval=False)
    assert "без поиска" in ExtractiveGenerator().generate(prompt)


@pytest.mark.shared
def test_real_labour_code_article_28_is_cited_ok(shared_corpus_source, tmp_path):
    """On the real Labour Code: given articles 28 and 33, the answer cites art. 28 and every citation
    resolves (ru and kk)."""
    from corpora.ingest import ingest
    from corpora.store import CorpusStore
    from retrieval.resolve import resolve

    articles, _ = ingest(shared_corpus_source, acts=["K1500000414"], progress=False)
    store = CorpusStore(path=tmp_path, manifest={"acts": [{"act_id": "K1500000414", "lang": "ru"},
                                                          {"act_id": "K1500000414", "lang": "kk"}],
                                                 "content_hash": "x"}, articles=articles)
    for lang, question in (("ru", "Работник поменял фамилию. Как оформить?"),
                           ("kk", "Жұмыскер тегін ауыстырды. Қалай рәсімдеу керек?")):
        arts = [(store.get("K1500000414", n, lang), 1.0) for n in ("28", "33")]
        text = ExtractiveGenerator().generate(PromptBuilder(3000).build(question, lang, arts))
        refs = find_citations(text)
        assert any(r.article == "28" and r.point == "1" and r.subpoint == "1" for r in refs), text
        assert all(resolve(r, store, lang).status == "ok" for r in refs if r.act_id), text
