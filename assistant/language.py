"""Is a question Russian or Kazakh?

Kazakh Cyrillic has nine letters Russian lacks (ә ғ қ ң ө ұ ү һ і); one of them in a
question of any length is strong evidence. Short or transliterated questions may have none
(«Жалақы қашан төленеді?» has them, «Демалыс неше күн?» does not), so common Kazakh words
that are not Russian words count too.
"""
from __future__ import annotations

import re

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

#: Frequent Kazakh function and question words written without Kazakh-only letters.
KAZAKH_WORDS = frozenset({
    "және", "бойынша", "туралы", "керек", "бола", "ма", "ме", "ба", "бе", "па", "пе", "неше", "қанша", "қалай",
    "неге", "жоқ", "мен", "сен", "ол", "бұл", "осы", "деген", "емес", "үшін", "кезде", "жылы", "күн",
    "жұмыс", "жұмыскер", "беруші", "шарт", "шарты", "шартын", "демалыс", "жалақы", "тегін", "тегі", "атын",
    "алады", "болады", "береді", "тиіс", "кім", "немесе", "егер", "соң", "дейін", "кейін", "арқылы",
    "ауыстырды", "өзгертті", "рәсімдеу", "ресімдеу", "керек пе", "мүмкін", "бап", "бабы", "кодексі",
})

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)


def detect_language(text: str) -> str:
    """``"kk"`` for Kazakh, ``"ru"`` otherwise (Russian is the default for mixed or Latin text)."""
    letters = _CYRILLIC.findall(text)
    if not letters:
        return "ru"
    kazakh_letters = sum(1 for ch in letters if ch in KAZAKH_LETTERS)
    words = [w.lower() for w in _WORD.findall(text)]
    kazakh_words = sum(1 for w in words if w in KAZAKH_WORDS)
    # A Russian text quoting one Kazakh name can hold a stray letter: require a few per hundred letters
    # or, failing that, Kazakh words.
    letter_share = kazakh_letters / len(letters)
    if letter_share >= 0.02 or (kazakh_letters >= 1 and kazakh_words >= 1):
        return "kk"
    if words and kazakh_words / len(words) >= 0.25 and kazakh_words >= 1:
        return "kk"
    return "ru"


LANG_NAMES = {"ru": {"ru": "русский", "kk": "орыс тілі"}, "kk": {"ru": "казахский", "kk": "қазақ тілі"}}


def language_name(lang: str, in_lang: str = "ru") -> str:
    """«русский» / «қазақ тілі»: the name of ``lang`` written in ``in_lang``."""
    return LANG_NAMES.get(lang, LANG_NAMES["ru"]).get(in_lang, lang)
