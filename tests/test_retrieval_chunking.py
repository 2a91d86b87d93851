"""Structure-aware chunks: whole short articles, long ones cut at points, headings on every chunk."""
from retrieval.chunking import chunk_article, chunk_articles, heading

from retrieval_corpus import LONG_POINTS, articles, art, LABOUR


def _by_number(number, lang="ru"):
    return next(a for a in articles() if a.article == number and a.lang == lang)


def test_heading_names_act_article_and_title_in_both_languages():
    assert heading(_by_number("10")) == "ТК РК. Статья 10. Ежегодный оплачиваемый отпуск"
    assert heading(_by_number("10", "kk")) == "ЕК. 10-бап. Жыл сайынғы ақы төленетін демалыс"


def test_short_article_is_one_chunk_with_heading():
    chunks = chunk_article(_by_number("10"), max_chars=1200)
    assert [c.kind for c in chunks] == ["article"]
    assert chunks[0].text.startswith("ТК РК. Статья 10. Ежегодный оплачиваемый отпуск\n1. Работнику")
    assert chunks[0].body.startswith("1. Работнику")


def test_long_article_is_cut_at_points_and_keeps_everything():
    a = _by_number("12")
    chunks = chunk_article(a, max_chars=500, min_chars=100)
    assert len(chunks) > 2 and all(c.kind == "points" for c in chunks)
    assert all(c.text.startswith("ТК РК. Статья 12. Оплата труда") for c in chunks)
    assert all(len(c.body) <= 500 for c in chunks)
    # every point line of the article is in exactly one chunk, in order
    body_lines = [line for c in chunks for line in c.body.split("\n")]
    assert body_lines == [line for line in a.text.split("\n") if line]
    assert chunks[0].point == "1"


def test_subpoints_of_a_long_point_repeat_its_lead_in():
    text = "1. Работодатель обязан указать:\n" + "\n".join(f"{i}) сведение номер {i} " + "х" * 80 + ";" for i in range(1, 9))
    chunks = chunk_article(art(LABOUR, "ru", "99", "Сведения", text, "ТК РК"), max_chars=300, min_chars=50)
    assert len(chunks) >= 3
    assert all("1. Работодатель обязан указать:" in c.body for c in chunks)
    assert all(c.point == "1" for c in chunks)


def test_title_chunks_and_repealed_articles():
    repealed = _by_number("13")
    chunks = chunk_article(repealed)
    assert [c.kind for c in chunks] == ["title"] and chunks[0].repealed
    with_titles = list(chunk_articles(articles(), title_chunks=True))
    assert sum(c.kind == "title" for c in with_titles) == len(articles())


def test_very_long_paragraph_is_cut_at_sentences():
    sentence = "Это длинное предложение о правилах внутреннего трудового распорядка организации. "
    chunks = chunk_article(art(LABOUR, "ru", "98", "Распорядок", sentence * 40, "ТК РК"), max_chars=400, min_chars=100)
    assert len(chunks) > 3 and all(len(c.body) <= 400 for c in chunks)


def test_coarse_chunks_cover_a_long_article_a_second_time():
    a = _by_number("12")
    fine = [c for c in chunk_article(a, max_chars=400, min_chars=100, coarse_max_chars=1000) if c.kind == "points"]
    coarse = [c for c in chunk_article(a, max_chars=400, min_chars=100, coarse_max_chars=1000) if c.kind == "coarse"]
    assert len(coarse) < len(fine)
    assert [l for c in coarse for l in c.body.split("\n")] == [l for c in fine for l in c.body.split("\n")]
    assert not [c for c in chunk_article(_by_number("10"), coarse_max_chars=2000) if c.kind == "coarse"]
