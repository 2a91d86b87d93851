"""Tokens, language detection, Russian lemmas/stems and the Kazakh suffix stripper."""
from retrieval.analysis import analyzer, detect_lang, kazakh_stem, russian_lemma, russian_stem, tokens


def test_tokens_keep_article_numbers_and_fold_yo():
    assert tokens("Статья 127-1, её пункт 2.") == ["статья", "127-1", "ее", "пункт", "2"]


def test_detect_lang_by_kazakh_letters():
    assert detect_lang("Жұмыс беруші жалақы бермей жатыр. Қайда шағымданамын?") == "kk"
    assert detect_lang("Сколько дней отпуска положено работнику?") == "ru"
    assert detect_lang("") == "ru"


def test_kazakh_stem_strips_plural_possessive_and_case():
    assert kazakh_stem("қызметкерлердің") == "қызметкер"
    assert kazakh_stem("шартының") == "шарт"
    assert kazakh_stem("жалақысын") == "жалақы"
    # inflected forms of one word meet at one stem
    assert kazakh_stem("тараптардың") == kazakh_stem("тараптар") == "тарап"


def test_kazakh_stem_leaves_short_words_and_numbers():
    assert kazakh_stem("ай") == "ай"
    assert kazakh_stem("127-1") == "127-1"


def test_russian_lemma_and_stem_merge_inflections():
    assert russian_lemma("работника") == russian_lemma("работнику") == "работник"
    assert russian_stem("отпуска") == russian_stem("отпуском")


def test_analyzer_drops_question_words_and_stopwords():
    terms = analyzer("ru")("Сколько дней у продавца есть, чтобы ответить на мою претензию?")
    assert "сколько" not in terms and "у" not in terms
    assert {"продавец", "претензия", "день"} <= set(terms)
    kk_terms = analyzer("kk")("Жалақы қанша күн ішінде төленеді?")
    assert "қанша" not in kk_terms and "жалақы" in kk_terms
