"""The Kazakh → Russian lexicon learned from bilingual articles, and the thesaurus expansion."""
from corpora.model import Article
from retrieval.analysis import analyzer
from retrieval.crosslingual import learn_lexicon, translate
from retrieval.thesaurus import RU_THESAURUS, expand, expansion_table

TOPICS = [("жалақы", "заработная плата"), ("демалыс", "отпуск"), ("шарт", "договор"), ("сынақ", "испытание"),
          ("мерзім", "срок"), ("айыппұл", "штраф"), ("тауар", "товар"), ("сатушы", "продавец"),
          ("жұбай", "супруг"), ("мұра", "наследство"), ("салық", "налог"), ("пәтер", "квартира")]


def _pairs():
    """Invented bilingual articles: each mentions two topics, in Kazakh and in Russian."""
    out = []
    for i in range(len(TOPICS)):
        (k1, r1), (k2, r2) = TOPICS[i], TOPICS[(i + 1) % len(TOPICS)]
        for lang, text in (("kk", f"{k1} туралы {k2} ережесі"), ("ru", f"правила о {r1} и {r2}")):
            out.append(Article(act_id="K1", act_code=None, lang=lang, article=str(i), title="", path=[], text=text))
    return out


def test_lexicon_pairs_words_that_occur_in_the_same_articles():
    lex = learn_lexicon(_pairs(), analyzer("ru"), analyzer("kk"), min_df=2, max_df_share=0.5, min_dice=0.9)
    assert "налог" in lex["салық"] and "штраф" in lex["айыппұл"]
    assert translate(["салық", "белгісіз"], lex) == lex["салық"]


def test_lexicon_is_empty_without_bilingual_articles():
    ru_only = [a for a in _pairs() if a.lang == "ru"]
    assert learn_lexicon(ru_only, analyzer("ru"), analyzer("kk")) == {}


def test_thesaurus_adds_statute_words_for_everyday_ones():
    ru = analyzer("ru")
    table = expansion_table(ru, RU_THESAURUS)
    extra = expand(ru("Меня уволили и не отдали зарплату"), table)
    assert {"расторжение", "заработный", "оплата"} <= set(extra)
    assert expand(ru("трудовой договор"), table) == []  # already the statute's words
