"""Text analysis for lexical search: tokens, Russian lemmas or stems, Kazakh stems, stopwords.

Statute text is Cyrillic Russian or Kazakh with numbers («статья 127-1», «24 күн»). A Kazakh
text is recognised by its own letters (ә ғ қ ң ө ұ ү һ і), which Russian never uses.

Russian is analysed with pymorphy3 lemmas («работника» → «работник») or Snowball stems; Kazakh,
an agglutinative language with no stemmer in PyStemmer, with :func:`kazakh_stem`, a suffix
stripper over the inflectional endings listed in ``KK_SUFFIXES``. Which one is used is a
config choice made by measurement (docs/retrieval.md).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

KK_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_TOKEN = re.compile(r"[0-9]+(?:-[0-9]+)?|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)

#: Function words and question words of Russian questions; they carry no topic.
RU_STOPWORDS = frozenset("""
а без более бы был была были было быть в вам вас весь во вот все всё всего всех вы где да даже для до его ее её
если есть еще ещё же за здесь и из или им их к как какая какие каким какой каком каких ко когда кто ли либо мне
меня мной мы на над надо наш не него нее неё нет ни них но ну о об однако он она они оно от очень по под при про
с со так также такой там те тем то того тоже той только том ту ты у уже чем что чтобы чей чья эта эти это этот я
ваш ваша мой моя мою мое моё свой своя свою свои сам сама само сами себя себе который которая которое которые
можно нужно надо ли сколько почему зачем куда откуда какова каков каковы должен должна должны могу может могут
ли разве будет будут буду был была если хочу хотим хочет подскажите скажите пожалуйста вопрос случае случай
""".split())

#: Kazakh function words and question particles.
KK_STOPWORDS = frozenset("""
және мен бен пен да де та те ма ме ба бе па пе ме ба ма ғой қой ғана тек бұл осы сол ол олар мен сен сіз біз
не неше қанша қандай қалай қашан қайда неге неліктен кім қай ше бар жоқ болса бола болады ма әлде немесе
үшін туралы бойынша арқылы сияқты ретінде дейін кейін бері соң ғы гі еді екен ғой ғана керек ме мені маған менің
""".split())


def tokens(text: str) -> list[str]:
    """Lower-cased word and number tokens («127-1» stays one token; «ё» is folded to «е»)."""
    return [t.replace("ё", "е") for t in _TOKEN.findall(text.lower())]


def detect_lang(text: str) -> str:
    """"kk" when at least one word in ten carries a Kazakh-only letter, else "ru"."""
    words = [w for w in _TOKEN.findall(text) if not w[0].isdigit()]
    if not words:
        return "ru"
    kk = sum(1 for w in words if any(ch in KK_LETTERS for ch in w))
    return "kk" if kk * 10 >= len(words) else "ru"


# --- Kazakh ---------------------------------------------------------------------------

#: Inflectional endings of Kazakh, longest first within each group, stripped repeatedly from
#: the end of a word: case (genitive -ның/-нің/-дың..., dative -ға/-ге/-қа/-ке/-на/-не,
#: accusative -ны/-ні/-ды/-ді/-ты/-ті, locative -да/-де/-та/-те/-нда/-нде, ablative
#: -дан/-ден/-тан/-тен/-нан/-нен, instrumental -мен/-бен/-пен), possessive (-ым/-ім/-ың/-ің/-сы/-сі/
#: -ымыз/-іміз/-ыңыз/-іңіз), plural (-лар/-лер/-дар/-дер/-тар/-тер), and the common verb forms
#: (participles -ған/-ген/-қан/-кен/-атын/-етін, verbal noun -у/-уы, converb -ып/-іп, negation
#: -ма/-ме/-ба/-бе/-па/-пе is left alone because it also ends many stems).
KK_SUFFIXES: tuple[str, ...] = tuple(sorted(set("""
лардың лердің дардың дердің тардың тердің ларға лерге дарға дерге тарға терге ларды лерді дарды дерді тарды терді
ларда лерде дарда дерде тарда терде лардан лерден дардан дерден тардан терден лармен лермен дармен дермен тармен термен
лары лері дары дері тары тері лар лер дар дер тар тер
ымыздың іміздің ымыз іміз ыңыз іңіз мыз міз ңыз ңіз
ының інің сының сінің ның нің дың дің тың тің
ына іне сына сіне ға ге қа ке на не
ын ін сын сін ны ні ды ді ты ті
ында інде сында сінде нда нде да де та те
ынан інен сынан сінен нан нен дан ден тан тен
ымен імен мен бен пен
ым ім ың ің сы сі
атын етін йтын йтін ған ген қан кен уы уі у ып іп й
ғаны гені қаны кені уге уға уды уді уда уде удан уден удың удің
""".split()), key=lambda s: (-len(s), s)))

KK_VOWELS = set("аәеиоөұүыіэюяу")


def kazakh_stem(word: str, min_stem: int = 3) -> str:
    """Strip inflectional endings from a Kazakh word while a stem of ``min_stem`` letters with a vowel remains.

    «қызметкерлердің» → «қызметкер», «жалақысын» → «жалақы», «демалысы» → «демалыс».
    Numbers and short words are returned unchanged.
    """
    if word[:1].isdigit() or len(word) <= min_stem + 1:
        return word
    changed = True
    while changed:
        changed = False
        for suf in KK_SUFFIXES:
            if word.endswith(suf):
                stem = word[: -len(suf)]
                if len(stem) >= min_stem and any(ch in KK_VOWELS for ch in stem):
                    word = stem
                    changed = True
                    break
    return word


# --- Russian --------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def russian_lemma(word: str) -> str:
    """The pymorphy3 normal form of the word's most likely parse («работника» → «работник»)."""
    if word[:1].isdigit() or not re.search("[а-я]", word):
        return word
    return _morph().parse(word)[0].normal_form.replace("ё", "е")


@lru_cache(maxsize=1)
def _snowball():
    import Stemmer

    return Stemmer.Stemmer("russian")


@lru_cache(maxsize=200_000)
def russian_stem(word: str) -> str:
    """The Snowball stem («работника» → «работник», «отпуска» → «отпуск»)."""
    if word[:1].isdigit():
        return word
    return _snowball().stemWord(word)


def _identity(word: str) -> str:
    return word


RU_ANALYZERS: dict[str, Callable[[str], str]] = {"pymorphy": russian_lemma, "snowball": russian_stem, "none": _identity}
KK_ANALYZERS: dict[str, Callable[[str], str]] = {
    "suffix": kazakh_stem,
    "suffix6": lambda w: kazakh_stem(w)[:6],
    "prefix5": lambda w: w[:5],
    "prefix6": lambda w: w[:6],
    "none": _identity,
}


def analyzer(lang: str, ru: str = "pymorphy", kk: str = "suffix") -> Callable[[str], list[str]]:
    """A function text → index terms for ``lang``: tokens, stopwords dropped, lemmatised/stemmed."""
    if lang == "kk":
        norm, stop = KK_ANALYZERS[kk], KK_STOPWORDS
    else:
        norm, stop = RU_ANALYZERS[ru], RU_STOPWORDS
    other_stop = RU_STOPWORDS if lang == "kk" else KK_STOPWORDS

    def analyze(text: str) -> list[str]:
        out = []
        for tok in tokens(text):
            if tok in stop or (len(tok) == 1 and not tok.isdigit()):
                continue
            if lang == "kk" and tok in other_stop and not any(ch in KK_LETTERS for ch in tok):
                continue
            out.append(norm(tok))
        return out

    return analyze
