"""The Kazakh → Russian glossary: longest-prefix matching of Kazakh stems, whole-word short keys."""
from retrieval.analysis import analyzer, tokens
from retrieval.glossary import KK_RU_GLOSSARY, MIN_PREFIX, gloss, glossary_table

RU = analyzer("ru", "pymorphy", "suffix")
KK = analyzer("kk", "pymorphy", "suffix")


def test_longest_key_wins():
    table = {"кепіл": ["гарантия"], "кепілгер": ["поручитель"]}
    assert gloss(["кепілдігі"], table) == ["гарантия"]
    assert gloss(["кепілгерлер"], table) == ["поручитель"]


def test_short_keys_match_whole_words_only():
    table = {"үй": ["дом"], "жалға": ["наем"]}
    assert gloss(["үй"], table) == ["дом"]
    assert gloss(["үйрену"], table) == []  # «үйрену» (to learn) is not «үй» (house)
    assert len("жалға") >= MIN_PREFIX and gloss(["жалғасы"], table) == ["наем"]


def test_terms_are_given_once_in_question_order():
    table = {"пәтер": ["квартира", "жилище"], "тұрғын": ["жилище"]}
    assert gloss(["пәтер", "тұрғын", "пәтер"], table) == ["квартира", "жилище"]


def test_table_is_in_corpus_terms():
    table = glossary_table(RU)
    assert table["пәтер"] == RU("квартира жилище")
    assert all(key == key.lower() and table[key] for key in KK_RU_GLOSSARY)


def test_kazakh_questions_get_the_russian_statute_words():
    table = glossary_table(RU)
    question = "Жалға алған пәтерден шықтым, иесі депозитті қайтармай жүр"
    words = gloss(tokens(question) + KK(question), table)
    for expected in ("наем", "квартира", "собственник", "возврат"):
        assert expected in words
    assert "жалоба" in gloss(KK("Әкімдікке шағымданамын"), table)
