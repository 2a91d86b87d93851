"""The ingester over the real shared clone (skipped where ../shared is absent)."""
import pytest

from corpora.ingest import ingest


@pytest.fixture(scope="module")
def shared_articles(shared_corpus_source):
    articles, titles = ingest(shared_corpus_source, progress=False)
    return articles, titles


def counts(articles):
    out = {}
    for a in articles:
        out[(a.act_id, a.lang)] = out.get((a.act_id, a.lang), 0) + 1
    return out


def test_every_act_has_a_plausible_count(shared_articles):
    c = counts(shared_articles[0])
    assert c[("K1500000414", "ru")] >= 200 and c[("K1500000414", "kk")] >= 190
    expected_min = {"K2500000214": 800, "K1100000518": 270, "Z100000274_": 55, "K2000000350": 190,
                    "Z970000094_": 150, "K990000409_": 700}
    for act_id, n in expected_min.items():
        assert c[(act_id, "ru")] >= n, (act_id, c[(act_id, "ru")])


def test_labour_code_article_28(shared_articles):
    arts = {(a.act_id, a.lang, a.article): a for a in shared_articles[0]}
    a = arts[("K1500000414", "ru", "28")]
    assert a.title == "Содержание трудового договора"
    assert [p.number for p in a.points] == ["1", "2", "3"]
    subs = a.point("1").subpoints
    assert len(subs) == 13 and subs[0].text.startswith("1) реквизиты сторон")
    assert "фамилию, имя, отчество" in subs[0].text
    kk = arts[("K1500000414", "kk", "28")]
    assert kk.title == "Еңбек шартының мазмұны" and len(kk.point("1").subpoints) == 13
    assert a.edition_date and a.source_url.startswith("https://zan.gov.kz/")


def test_both_languages_share_article_numbers(shared_articles):
    arts = shared_articles[0]
    ru = {a.article for a in arts if a.act_id == "K1500000414" and a.lang == "ru"}
    kk = {a.article for a in arts if a.act_id == "K1500000414" and a.lang == "kk"}
    assert len(ru & kk) >= 0.97 * len(ru)


def test_repealed_articles_are_kept_and_marked(shared_articles):
    arts = {(a.act_id, a.article): a for a in shared_articles[0] if a.lang == "ru"}
    assert arts[("K990000409_", "810")].repealed and arts[("K990000409_", "810")].text == ""
    assert not arts[("K990000409_", "813")].repealed
    assert sum(a.repealed for a in arts.values()) > 10
    # no footnote text leaks into article text
    assert not any(a.text.startswith("Сноска") for a in arts.values())
