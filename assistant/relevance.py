"""Lexical relevance of a piece of statute text to a question, for choosing what to quote or keep.

Russian words are reduced with the Snowball stemmer («фамилию», «фамилия» → «фамил»); Kazakh
words, which pile suffixes onto a stem («жұмыскердің», «тегін»), lose their common case and
possessive endings and are then cut to five letters («жұмыс», «тег»). Stop words and very short
words are ignored. Question words are weighted by how rare they are among the candidate texts
(an IDF over the points of the retrieved articles), so that «фамилию» counts for more than
«работник», which the Labour Code uses in every other point.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

STOP_RU = frozenset(
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня "
    "еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь "
    "там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз "
    "тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы "
    "нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти "
    "нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя "
    "такой им более всегда конечно всю между как какие каких каком нужно ли случае который которые которых также "
    "статья статьи пункт пункта подпункт настоящего кодекса республики казахстан рк".split()
)
STOP_KK = frozenset(
    "және мен бен пен да де та те ма ме ба бе па пе бұл осы ол сол не немесе үшін туралы бойынша деген емес бар жоқ "
    "керек қалай қанша неше кім қай егер онда ғана ретінде тиіс болып болады бап бабы тармақ тармағы кодекс кодексі "
    "қазақстан республикасының".split()
)


@lru_cache(maxsize=1)
def _ru_stemmer():
    import Stemmer  # PyStemmer, a core dependency (retrieval uses it too)

    return Stemmer.Stemmer("russian")


#: Kazakh case, plural and possessive endings, longest first (vowel-harmony and consonant variants).
KK_SUFFIXES = sorted(
    """ның нің дың дің тың тің ға ге қа ке на не да де та те нда нде дан ден тан тен нан нен
    ды ді ты ті ны ні сы сі лар лер дар дер тар тер мен бен пен ымыз іміз ыңыз іңіз ым ім ың ің
    ы і н""".split(),
    key=len,
    reverse=True,
)


def kazakh_stem(word: str) -> str:
    """Strip up to three Kazakh endings (keeping at least three letters), then cut to five letters."""
    for _ in range(3):
        for suffix in KK_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word[:5]


@lru_cache(maxsize=50_000)
def _stem(word: str, lang: str) -> str:
    if lang == "kk":
        return kazakh_stem(word)
    return _ru_stemmer().stemWord(word)


def terms(text: str, lang: str = "ru") -> list[str]:
    """Content-word stems of ``text`` in order (duplicates kept)."""
    stop = STOP_KK if lang == "kk" else STOP_RU
    out = []
    for w in _WORD.findall(text.lower().replace("ё", "е")):
        if len(w) < 3 or w in stop:
            continue
        out.append(_stem(w, lang))
    return out


def idf_weights(question_terms: set[str], texts: list[str], lang: str = "ru") -> dict[str, float]:
    """IDF of each question stem over ``texts`` (smoothed; a stem in no text gets the highest weight)."""
    n = len(texts)
    sets = [set(terms(t, lang)) for t in texts]
    return {t: math.log(1.0 + (n + 1) / (1 + sum(1 for s in sets if t in s))) for t in question_terms}


def overlap(question_terms: set[str], text: str, lang: str = "ru", weights: dict[str, float] | None = None) -> float:
    """How much of the question a text covers: the (IDF-)weighted share of question stems it contains,
    lightly normalised by length.

    The square-root length penalty keeps a long point from winning on sheer size while still
    preferring a point that matches two question words over one that matches one.
    """
    if not question_terms:
        return 0.0
    text_terms = terms(text, lang)
    if not text_terms:
        return 0.0
    matched = question_terms.intersection(text_terms)
    if not matched:
        return 0.0
    w = weights or {}
    total = sum(w.get(t, 1.0) for t in question_terms)
    return sum(w.get(t, 1.0) for t in matched) / total / (1.0 + 0.05 * math.sqrt(len(text_terms)))
