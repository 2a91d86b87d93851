"""Language detection: Kazakh letters and words decide; Russian is the default."""
from assistant.language import detect_language


def test_russian_questions():
    assert detect_language("Работник поменял фамилию. Как оформить?") == "ru"
    assert detect_language("Сколько дней длится ежегодный отпуск?") == "ru"


def test_kazakh_questions_by_letters():
    assert detect_language("Жұмыскер тегін ауыстырды. Қалай рәсімдеу керек?") == "kk"
    assert detect_language("Еңбек шартын қалай бұзуға болады?") == "kk"


def test_kazakh_question_without_kazakh_letters_by_words():
    assert detect_language("Демалыс неше күн бола ма?") == "kk"
    assert detect_language("Демалыс неше бола ма") == "kk"


def test_russian_with_one_kazakh_name_stays_russian():
    text = "Какие права у работника по трудовому договору, если работодатель из города Өскемен не платит зарплату вовремя?"
    assert detect_language(text) == "ru"


def test_latin_and_empty_default_to_russian():
    assert detect_language("hello") == "ru"
    assert detect_language("") == "ru"
