"""Find citations of statute articles in running text, Russian and Kazakh.

What citations look like::

    ст. 28 ТК РК · статьей 28 Трудового кодекса Республики Казахстан · п.3 ст.183 Трудового Кодекса РК
    пп. 1 п. 1 ст. 28 ТК · подпункт 7) пункта 1 статьи 28 · ч. 2 ст. 437 КоАП · ст.ст. 92, 93 ТК
    ТК ст. 99 п. 1 пп. 3 · ЗПП ст. 30 п. 1; ст. 14 · ГК ч. Общ. ст. 339 п. 2 · статья 28 настоящего Кодекса
    Еңбек кодексінің 28-бабы · 28-бабының 1-тармағының 3) тармақшасы · ЕК 28-бап · осы Кодекстің 28-бабы
    («Нотариат туралы» Заңның 92-6-бабы 2, 3-тармақтары) · (АК Ерекше бөлім, 686-бап 1-тармақ)

The text is cut into *tokens*: act names (from the registry, inflected), markers with their
numbers («ст. 92, 93», «п. 1», «28-бабы», «3) тармақшасы»), «настоящего Кодекса» / «осы
Кодекстің» (the default act) and «настоящей статьи» (a reference we cannot resolve).
Tokens separated only by spaces, commas or «и/және» form a *chain*; each article marker of a
chain and the points around it form one citation. The rules, also in docs/retrieval.md:

* Numbers: «127-1» (hyphen, no spaces) is one inserted article. A range is an en/em dash
  («92–95», «1–3-тармақтар»), a spaced hyphen («92 - 95») or «по»; it is expanded to every
  whole number in it when it spans at most 20, otherwise only its two ends are kept.
  Inserted articles inside a range («41-1») are not listed.
* Points before the article («пп. 1 п. 1 ст. 28», descending) belong to the next article;
  points after it («ст. 99 п. 1 пп. 3», ascending) to the previous one. A part («ч. 2») is a
  point: codes with parts (КоАП, УК, ГПК, АППК) number them like points.
* A point with no article in its chain («(п. 4)», «(6-тармақ)», «(пп. 3)») is elliptical: it
  refers to the article (and, for a bare sub-point, the point) of the citation just before it
  in the same paragraph. With no such citation it is dropped.
* The act of a citation is the act named right after it («ст. 28 ТК РК») or else right before
  it («ТК ст. 28», «Еңбек кодексінің 28-бабы»). A citation naming no act carries over the act
  of the previous citation in the same paragraph (text up to a blank line); with none, it gets
  ``default_act``; with no default, ``act_id`` is None. «настоящего Кодекса/Закона», «осы
  Кодекстің/Заңның» name ``default_act`` itself; a bare «Заңның»/«Кодекстің» (the law being
  discussed) takes the carried act, else ``default_act``.
* Civil Code without a part («ГК», «Гражданский кодекс», «АК»): articles 1–405 are the General
  Part (K940001000_), 406 onwards the Special Part (K990000409_). «ГК ч. Общ.», «Общей части
  ГК», «ГК ОЧ» / «ГК ч. Особ.», «Особенной части ГК», «ГК ОсЧ», «АК Ерекше бөлім» pick the part.
* Tax Code: «НК», «Налоговый кодекс» is the 2025 code (K2500000214) unless it is followed by
  «2017» or the text names the 2017 code anywhere («НК РК 2017», «О налогах и других
  обязательных платежах в бюджет»): then every bare «НК» of that text is K1700000120.
* An act name the registry does not know («Закон о туризме», «Конституция», «"…" туралы Заңның»)
  still yields the citation, with ``act_id`` None and ``act_name`` the name as written.
* The span of every ref of an enumeration is the span of the whole citation it came from
  («ст.ст. 92, 93 ТК» → two refs with the same span).

Nothing here raises on any input: a text with no citation gives [].
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from corpora.registry import load_registry
from retrieval.types import CitationRef

CIVIL = "@civil"  # a Civil Code citation without its part: split by article number
TAX = "@tax"  # a bare «НК»: the 2025 code unless the text names the 2017 one
CIVIL_GENERAL, CIVIL_SPECIAL, CIVIL_GENERAL_LAST = "K940001000_", "K990000409_", 405
TAX_2025, TAX_2017 = "K2500000214", "K1700000120"

#: Names of the Civil Code as a whole; the registry lists its two parts as two acts.
CIVIL_NAMES = ("ГК", "ГК РК", "Гражданский кодекс", "Гражданский кодекс РК", "Гражданский кодекс Республики Казахстан",
               "АК", "ҚР АК", "Азаматтық кодекс", "Азаматтық кодексі", "Қазақстан Республикасының Азаматтық кодексі")

MAX_RANGE = 20  # «ст. 41–42» is expanded; «ст. 1–405» keeps only its ends
PARAGRAPH = re.compile(r"\n[ \t\r]*\n")

# ---------------------------------------------------------------------------------------------
# Act names: every registry name becomes a pattern that accepts the inflected forms of its head
# words (кодекс/кодекса/кодексом, Трудовой/Трудового, закон/закону, кодексі/кодексінің, заңы/заңның).

_QUOTE_CHARS = "«»\"“”„"
_KODEKS = r"кодекс(?:а|у|ом|е|ы|ов|інің|індегі|інде|іне|імен|ін|і|тің|тегі|тен|те|ті|ке|пен)?"
_ZAN = r"заң(?:ының|ындағы|ында|ына|ымен|ынан|ын|ы|ның|дағы|да|ға|ды|мен|нан)?"
_HEADS = {
    "кодекс": _KODEKS, "кодексі": _KODEKS,
    "закон": r"закон(?:а|у|ом|е|ы|ов)?",
    "часть": r"част(?:ь|и|ью|ей)",
    "заң": _ZAN, "заңы": _ZAN,
    "бөлім": r"бөлім(?:інің|іне|інде|ін|і)?",
}
_RU_HEADS = {"кодекс", "закон", "часть"}
_ADJ_MASC = re.compile(r"^([А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*?)(ый|ий|ой)$")
_ADJ_FEM = re.compile(r"^([А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*?)(ая|яя)$")
_ABBREV = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ].*[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]")  # ≥2 capitals: ТК, КоАП, ӘҚБтК, РК
_REPUBLIC = r"(?:\s+(?:Республики\s+Казахстан|(?-i:РК)))?"


def _token_pattern(token: str, before_head: bool) -> str:
    """One word of a name as a regex: head words and the adjectives before them inflect."""
    low = token.lower()
    if low in _HEADS:
        pat = _HEADS[low]
        return pat + _REPUBLIC if low in ("кодекс", "закон") else pat
    if before_head:
        m = _ADJ_MASC.match(token)
        if m:
            return re.escape(m.group(1)) + r"(?:ый|ий|ой|ого|его|ому|ему|ым|им|ом|ем)"
        m = _ADJ_FEM.match(token)
        if m:
            return re.escape(m.group(1)) + r"(?:ая|яя|ой|ей|ую|юю|ою|ею)"
    if token.endswith(".") and len(token) > 2:  # «Общ.» may lose its dot: «ГК ч. Общ ст. 5»
        body = re.escape(token[:-1]) + r"\.?"
    else:
        body = re.escape(token)
    return f"(?-i:{body})" if _ABBREV.search(token) else body


def name_pattern(name: str) -> str:
    """A registry name as a regex body: «Трудовой кодекс» → Трудов(?:ый|ого|...)\\s+кодекс(?:а|у|...)."""
    tokens = [t for t in (w.strip(_QUOTE_CHARS) for w in name.split()) if t]
    head_at = next((i for i, t in enumerate(tokens) if t.lower() in _RU_HEADS), -1)
    parts = []
    for i, tok in enumerate(tokens):
        if i:
            prev = tokens[i - 1]
            parts.append(r"(?:\s*[«»\"“”„]\s*|\s*)" if prev.endswith((".", ")")) else r"(?:\s*[«»\"“”„]\s*|\s+)")
        parts.append(_token_pattern(tok, before_head=i < head_at))
    return "".join(parts)


def _act_names() -> list[tuple[str, str]]:
    """(name, act key) for every name of the registry, plus the Civil Code as a whole."""
    pairs = []
    for act in load_registry().values():
        key = TAX if act.act_id == TAX_2025 else act.act_id
        for name in act.names:
            pairs.append((name, key))
    pairs += [(n, CIVIL) for n in CIVIL_NAMES]
    return pairs


_UNKNOWN_WORD = r"(?!(?:и|или|а|в|во|по|на|к|с|от|для)\s)(?!(?:стать|пункт|подпункт|част|глав|абзац)\w*)[а-яё-]+(?![\w.])"
_UNKNOWN_RU = (r"(?:Закон|Кодекс)(?:а|у|ом|е)?" + _REPUBLIC +
               rf"\s*[«\"“]?\s*(?:о|об)\s+{_UNKNOWN_WORD}(?:\s+(?:и\s+)?{_UNKNOWN_WORD}){{0,5}}[»\"”]?")
_UNKNOWN_QUOTED_KK = r"[«\"“][^»\"”\n]{3,120}[»\"”]\s*(?:Заң|Кодекс)\w*"
_CONSTITUTION = r"Конституци(?:я|и|ей|ю)(?:\s+Республики\s+Казахстан|\s+(?-i:РК))?|Конституция(?:сының|сына|сы)?"
_SELF = (r"(?:настоящ(?:его|ему|им|ем)|данного|этого)\s+(?:Кодекс|Закон)(?:а|у|ом|е)?"
         r"|осы\s+(?:Кодекс|Заң)\w*")
_KILL = (r"(?:настоящ|данн|эт)(?:ей|ая|ую|ой|его|ем|ом|ему)\s+(?:стать|пункт|част|подпункт)\w*"
         r"|осы\s+(?:ба[пб]|тарма[қғ]|бөлі[кг])\w*")
_GENERIC = r"(?-i:Заң)(?:ның|ының|ына|ында|ы)|(?-i:Кодекс)(?:тің|ке|те|ті)"


#: Which generic forms can start at a word with these first letters.
_GENERIC_BY_PREFIX = {
    "за": {"unknown": _UNKNOWN_RU, "generic": _GENERIC}, "ко": {"unknown": f"{_UNKNOWN_RU}|{_CONSTITUTION}", "generic": _GENERIC},
    "на": {"self": _SELF, "kill": _KILL}, "да": {"self": _SELF, "kill": _KILL}, "эт": {"self": _SELF, "kill": _KILL},
    "ос": {"self": _SELF, "kill": _KILL},
}
_WORD = re.compile(r"(?<![\w-])\w+")
_OPENING_QUOTE = re.compile(r"[«\"“„]\s*$")
_UNKNOWN_QUOTED = re.compile(_UNKNOWN_QUOTED_KK + r"(?!\w)", re.IGNORECASE)
_TAX_2017_AFTER = re.compile(r"[\s,(]*(?:в\s+редакции\s+)?(?:от\s+25\s+декабря\s+)?2017(?!\d)")


def _clean_name(name: str) -> str:
    """The act as written, spaces collapsed, without a quote left open by where the match stopped."""
    name = " ".join(name.split())
    if name.startswith(("«", "„", "“")) and name.count("«") + name.count("“") + name.count("„") > name.count("»") + name.count("”"):
        name = name[1:].lstrip()
    if name.endswith(("»", "”")) and name.count("»") + name.count("”") > name.count("«") + name.count("“") + name.count("„"):
        name = name[:-1].rstrip()
    if name.count('"') % 2:
        name = name.strip('"').strip()
    return name


def _prefix(word: str) -> str:
    return word[:2].lower()


@dataclass(frozen=True)
class _ActMatcher:
    """Act-name regexes by the first two letters of the name, so that only a few are tried per word."""

    by_prefix: dict[str, re.Pattern]
    keys: tuple[str, ...]  # act key of the named group n<i>


@lru_cache(maxsize=1)
def _act_matcher() -> _ActMatcher:
    """Per first letters: all act names starting so (longest first: «ТК РК» beats «ТК»), then the generic forms."""
    pairs = sorted(_act_names(), key=lambda p: -len(p[0]))
    alts: dict[str, list[str]] = {}
    for i, (name, _) in enumerate(pairs):
        first = name.strip(_QUOTE_CHARS + " ").split()[0].strip(_QUOTE_CHARS)
        alts.setdefault(_prefix(first), []).append(f"(?P<n{i}>{name_pattern(name)})")
    for prefix, kinds in _GENERIC_BY_PREFIX.items():
        alts.setdefault(prefix, []).extend(f"(?P<{kind}>{pat})" for kind, pat in kinds.items())
    by_prefix = {p: re.compile("(?:" + "|".join(a) + r")(?!\w)(?:\s*[»\"”](?!\w))?", re.IGNORECASE) for p, a in alts.items()}
    return _ActMatcher(by_prefix=by_prefix, keys=tuple(k for _, k in pairs))


def _match_act(text: str, pos: int, endpos: int) -> re.Match | None:
    """The act name (or generic form) starting at the word at ``pos``, if any."""
    matcher = _act_matcher()
    word_prefix = text[pos:pos + 2].lower()
    for key in (word_prefix, word_prefix[:1]):
        rx = matcher.by_prefix.get(key)
        if rx is not None:
            m = rx.match(text, pos, endpos)
            if m:
                return m
    return None


def _act_tokens(text: str, start: int = 0, end: int | None = None) -> list["_Token"]:
    """Act names, unknown act names, «настоящего Кодекса», «настоящей статьи», bare «Заңның» in text[start:end]."""
    end = len(text) if end is None else end
    keys = _act_matcher().keys
    out: list[_Token] = []
    pos = start
    while True:
        w = _WORD.search(text, pos, end)
        if w is None:
            return out
        m = _match_act(text, w.start(), end)
        q = _OPENING_QUOTE.search(text, max(start, w.start() - 3), w.start())
        if m is None and q is not None:
            quoted = _UNKNOWN_QUOTED.match(text, q.start(), end)
            if quoted:  # «Қазақстан Республикасындағы банктер ... туралы» Заңның: a known name inside?
                inner = [t for t in _act_tokens(text, w.start(), quoted.end()) if t.kind == "act"]
                tok = _Token("unknown", q.start(), quoted.end(), name=_clean_name(quoted.group()))
                if inner:
                    tok.kind, tok.key = "act", inner[0].key
                out.append(tok)
                pos = quoted.end()
                continue
        if m is None:
            pos = w.end()
            continue
        kind = m.lastgroup or ""
        tok_start, tok_end = (q.start() if q is not None else m.start()), m.end()
        inner_key = None
        if kind == "unknown":  # «Кодекс «О налогах и других ...»», «Закона РК «О браке (супружестве) и семье»»
            inner = [t for t in _act_tokens(text, w.end(), min(end, m.end() + 120)) if t.kind == "act" and t.start < m.end()]
            if inner:
                inner_key, tok_end = inner[0].key, max(m.end(), inner[0].end)
        tok = _Token(kind, tok_start, tok_end, name=_clean_name(text[tok_start:tok_end]))
        if inner_key is not None:  # a known act inside an unknown-looking name
            tok.kind, tok.key = "act", inner_key
        elif kind.startswith("n"):
            tok.kind, tok.key = "act", keys[int(kind[1:])]
            if tok.key == TAX and _TAX_2017_AFTER.match(text, tok_end):
                tok.key = TAX_2017
        out.append(tok)
        pos = tok_end


# ---------------------------------------------------------------------------------------------
# Markers with their numbers.

_NUM = r"\d{1,5}(?:-\d{1,4})*(?!\d)"
_NOT_A_QUANTITY = (r"(?!\s*(?:%|дн|день|дня|месяц|год|лет|раз|тенге|МРП|АЕК|сут|час|рабоч|календар|жыл|ай\b|күн|"
                   r"тәулік|пайыз|процент))")
_RANGE = r"(?:\s*–\s*|—|\s+-\s+|\s+по\s+)"  # « — » with spaces is a dash of the sentence
_LIST_SEP = r"(?:\s*,\s*(?:и\s+)?|\s+(?:и|или)\s+)"
_NUMLIST = rf"{_NUM}(?:(?:{_RANGE}|{_LIST_SEP}){_NUM}{_NOT_A_QUANTITY})*"
_SUBLIST = rf"{_NUM}\)?(?:(?:{_RANGE}|{_LIST_SEP}){_NUM}\)?{_NOT_A_QUANTITY})*"
_KK_LIST_SEP = r"(?:\s*,\s*|\s+(?:және|мен|немесе)\s+|\s*[–—]\s*)"
_KK_NUMLIST = rf"{_NUM}(?:{_KK_LIST_SEP}{_NUM})*"
_KK_SUBLIST = rf"{_NUM}\)(?:{_KK_LIST_SEP}{_NUM}\))*"

_MARKERS = re.compile(
    r"(?<![\w-])(?:"
    rf"(?:ст\.\s*ст\.|стст\.|ст\.|стать(?:ями|ям|ях|ей|ёй|я|и|е|ю)|статей)\s*(?:с\s+)?(?P<art>{_NUMLIST})"
    rf"|(?:пп\.|подп\.|подпункт(?:ами|ам|ах|ом|ов|а|у|е|ы)?)\s*(?P<sub>{_SUBLIST})"
    rf"|(?:п\.\s*п\.|п\.|пункт(?:ами|ам|ах|ом|ов|а|у|е|ы)?)\s*(?P<pt>{_NUMLIST})"
    rf"|(?:ч\.|част(?:ями|ям|ях|ью|ей|ь|и))\s*(?P<part>{_NUMLIST})"
    rf"|(?:гл\.|глав(?:ой|ы|е|у|а)|абз\.|абзац\w*|разд\.|раздел\w*|§)\s*(?P<skip>{_NUMLIST})"
    rf"|(?P<karts>{_KK_NUMLIST})\s*-\s*(?:(?P<kart>ба[пб])|(?P<ksubh>тармақша)|(?P<kpt>тарма[қғ])|(?P<kpart>бөлі[кг])"
    r"|(?P<kskip>тарау|параграф))\w*"
    rf"|(?P<ksubs>{_KK_SUBLIST})\s*тармақша\w*"
    r")",
    re.IGNORECASE,
)
_NUMBER_OR_RANGE = re.compile(r"\d+(?:-\d+)*|[–—]|\s-\s|(?<!\w)по(?!\w)")
_TIGHT_GAP = re.compile(r"[\s«»\"“”„]*")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:(?:и|а\s+также|также)\s+)?|,?\s*(?:и|или|а\s+также|және|мен|немесе)\s+)\s*",
                       re.IGNORECASE)
_RANK = {"sub": 0, "pt": 1, "art": 2}


@dataclass
class _Token:
    """A piece of a citation: kind is art/pt/sub/skip (with numbers), act/unknown/self/generic, or kill."""

    kind: str
    start: int
    end: int
    nums: list[str] = field(default_factory=list)
    key: str | None = None  # act key (adilet code, CIVIL or TAX) for kind "act"
    name: str = ""


@dataclass
class _Group:
    """One article marker and the point/sub-point tokens that belong to it (or none: elliptical)."""

    art: _Token | None
    pre: list[_Token] = field(default_factory=list)
    post: list[_Token] = field(default_factory=list)

    def tokens(self) -> list[_Token]:
        return self.pre + ([self.art] if self.art else []) + self.post


def split_numbers(s: str) -> list[str]:
    """«92, 93» → [92, 93]; «41–43» → [41, 42, 43]; «127-1» → [127-1]; «1) и 2)» → [1, 2]."""
    out: list[str] = []
    pending_range = False
    for m in _NUMBER_OR_RANGE.finditer(s):
        tok = m.group()
        if not tok[0].isdigit():
            pending_range = bool(out)
            continue
        if pending_range and out[-1].isdigit() and tok.isdigit() and int(tok) <= int(out[-1]):
            pass  # «ст. 76 – 15 рабочих дней»: not a range, the second number is something else
        elif pending_range and out[-1].isdigit() and tok.isdigit() and int(tok) - int(out[-1]) <= MAX_RANGE:
            out.extend(str(n) for n in range(int(out[-1]) + 1, int(tok) + 1))
        else:
            out.append(tok)
        pending_range = False
    return out


def _tokens(text: str) -> list[_Token]:
    """All tokens of ``text`` in order; an act name wins over a marker it overlaps."""
    acts = _act_tokens(text)
    marks: list[_Token] = []
    for m in _MARKERS.finditer(text):
        groups = m.groupdict()
        if groups["art"]:
            kind, nums = "art", groups["art"]
        elif groups["sub"]:
            kind, nums = "sub", groups["sub"]
        elif groups["pt"] or groups["part"]:
            kind, nums = "pt", groups["pt"] or groups["part"]
        elif groups["skip"]:
            kind, nums = "skip", groups["skip"]
        elif groups["karts"]:
            nums = groups["karts"]
            kind = ("art" if groups["kart"] else "sub" if groups["ksubh"] else "pt" if groups["kpt"] or groups["kpart"]
                    else "skip")
        else:
            kind, nums = "sub", groups["ksubs"]
        numbers = split_numbers(nums)
        if numbers:
            marks.append(_Token(kind, m.start(), m.end(), nums=numbers))
    out = list(acts)
    for t in marks:
        if not any(a.start < t.end and t.start < a.end for a in acts):
            out.append(t)
    out.sort(key=lambda t: t.start)
    return out


def _gap(text: str, a: _Token, b: _Token) -> str:
    """How two neighbouring tokens are joined: 'tight' (spaces), 'list' (comma, «и») or 'break'."""
    between = text[a.end:b.start]
    if _TIGHT_GAP.fullmatch(between):
        return "tight"
    if _LIST_GAP.fullmatch(between):
        return "list"
    return "break"


def _chains(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    chains: list[list[_Token]] = []
    for tok in tokens:
        if chains and _gap(text, chains[-1][-1], tok) != "break":
            chains[-1].append(tok)
        else:
            chains.append([tok])
    return chains


def _descends_to_article(text: str, chain: list[_Token], i: int) -> bool:
    """True when chain[i:] is «пп. 1 п. 2 ст. 28»: sub-points then points, tightly up to an article."""
    rank = _RANK[chain[i].kind]
    for j in range(i + 1, len(chain)):
        if _gap(text, chain[j - 1], chain[j]) != "tight" or chain[j].kind not in _RANK:
            return False
        if _RANK[chain[j].kind] < rank:
            return False
        if chain[j].kind == "art":
            return True
        rank = _RANK[chain[j].kind]
    return False


def _groups(text: str, chain: list[_Token]) -> list[_Group]:
    """Cut a chain into citations: each article with its points; points with no article are elliptical."""
    groups: list[_Group] = []
    current: _Group | None = None
    pending: list[_Token] = []
    for i, tok in enumerate(chain):
        if tok.kind == "art":
            current = _Group(art=tok, pre=pending)
            groups.append(current)
            pending = []
        elif tok.kind in ("pt", "sub"):
            if current is not None and not _descends_to_article(text, chain, i):
                current.post.append(tok)
            else:
                pending.append(tok)
        elif tok.kind == "kill":  # «пункта 2 настоящей статьи»: the points just before it are not ours
            pending = []
            if current is not None:
                while current.post and chain[i - 1] is current.post[-1]:
                    current.post.pop()
                    i -= 1
            current = None
        elif tok.kind in ("act", "unknown", "self", "generic") and current is not None:
            current = None  # «ст. 139 п. 1 Кодекса о браке»: the act closes the citation
    if pending:
        groups.append(_Group(art=None, pre=pending))
    return groups


def _entries(pre: list[_Token], post: list[_Token]) -> list[tuple[list[str | None], list[str]]]:
    """(points, sub-points) pairs: descending tokens before the article, ascending ones after."""
    entries: list[tuple[list[str | None], list[str]]] = []
    subs: list[str] = []
    for t in pre:
        if t.kind == "sub":
            subs += t.nums
        else:
            entries.append((list(t.nums), subs))
            subs = []
    if subs:
        entries.append(([None], subs))
    first_post = len(entries)
    for t in post:
        if t.kind == "pt":
            entries.append((list(t.nums), []))
        elif len(entries) > first_post:
            entries[-1][1].extend(t.nums)
        else:
            entries.append(([None], list(t.nums)))
    return entries


def _act_token(text: str, chain: list[_Token], group: _Group) -> _Token | None:
    """The act named right after the citation, or else right before it (skipping «гл. 7,»)."""
    toks = group.tokens()
    first, last = chain.index(toks[0]), chain.index(toks[-1])
    if last + 1 < len(chain) and chain[last + 1].kind in ("act", "unknown", "self", "generic") \
            and _gap(text, chain[last], chain[last + 1]) == "tight":
        return chain[last + 1]
    j = first - 1
    while j >= 0 and chain[j].kind == "skip":
        j -= 1
    if j >= 0 and chain[j].kind in ("act", "unknown", "self", "generic"):
        return chain[j]
    return None


def _resolve_key(key: str | None, article: str, tax_2017: bool) -> str | None:
    """CIVIL → the part holding ``article``; TAX → the 2025 code, or 2017 when the text says so."""
    if key == CIVIL:
        head = article.split("-")[0]
        return CIVIL_GENERAL if head.isdigit() and int(head) <= CIVIL_GENERAL_LAST else CIVIL_SPECIAL
    if key == TAX:
        return TAX_2017 if tax_2017 else TAX_2025
    return key


def _carry_key(key: str | None) -> str | None:
    """What a following citation inherits: the Civil Code as a whole, not the part just named."""
    return CIVIL if key in (CIVIL_GENERAL, CIVIL_SPECIAL) else key


def _same_kind(generic: _Token | None, key: str | None) -> bool:
    """A bare «Заңның» takes a carried law (Z…), a bare «Кодекстің» a carried code; no word takes any."""
    if generic is None or key is None:
        return True
    is_law = key.startswith("Z")
    return is_law if generic.name.lower().startswith("заң") else not is_law


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a closing parenthesis that closes the text around the citation, not a «1)»."""
    while end > start and text[end - 1] in ") " and text.count(")", start, end) > text.count("(", start, end):
        end -= 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_citations(text: str, default_act: str | None = None) -> list[CitationRef]:
    """Every article citation in ``text``, in order, with act, article, point, sub-point and span."""
    if not isinstance(text, str) or not text:
        return []
    tokens = _tokens(text)
    if not any(t.kind in ("art", "pt", "sub") for t in tokens):
        return []
    tax_2017 = any(t.kind == "act" and t.key == TAX_2017 for t in tokens)
    paragraph_starts = [0] + [m.end() for m in PARAGRAPH.finditer(text)]

    def paragraph(pos: int) -> int:
        return sum(1 for p in paragraph_starts if p <= pos)

    refs: list[CitationRef] = []
    carried: tuple[int, str | None, str | None] | None = None  # (paragraph, act key, act name)
    named = [t for t in tokens if t.kind == "act"]  # acts named anywhere, attached or not
    for chain in _chains(text, tokens):
        for group in _groups(text, chain):
            toks = group.tokens()
            start, end = toks[0].start, toks[-1].end
            para = paragraph(start)
            while named and named[0].end <= start:  # «кроме случаев, предусмотренных КоАП (ст. 62 ч. 1)»
                mention = named.pop(0)
                carried = (paragraph(mention.start), _carry_key(mention.key), mention.name)
            if group.art is None:  # elliptical: the previous citation's article (and point)
                prev = refs[-1] if refs and paragraph(refs[-1].span[0]) == para else None
                if prev is None:
                    continue
                start, end = _trim(text, start, end)
                for points, subs in _entries(group.pre, []) if group.pre[0].kind == "sub" and any(
                        t.kind == "pt" for t in group.pre) else _entries([], group.pre):
                    for p in points:
                        point = p if p is not None else prev.point
                        for s in subs or [None]:
                            refs.append(CitationRef(article=prev.article, act_id=prev.act_id, point=point, subpoint=s,
                                                    span=(start, end), text=text[start:end], act_name=prev.act_name))
                continue
            act_tok = _act_token(text, chain, group)
            key: str | None
            name: str | None
            if act_tok is not None:
                start, end = min(start, act_tok.start), max(end, act_tok.end)
            if act_tok is None or act_tok.kind == "generic":
                if carried is not None and carried[0] == para and _same_kind(act_tok, carried[1]):
                    key, name = carried[1], carried[2]
                else:
                    key, name = default_act, (act_tok.name if act_tok is not None else None)
            elif act_tok.kind == "self":
                key, name = default_act, act_tok.name
            elif act_tok.kind == "unknown":
                key, name = None, act_tok.name
            else:
                key, name = act_tok.key, act_tok.name
            if key is not None or name is not None:
                carried = (para, _carry_key(key), name)
            named = [t for t in named if t.start >= end]
            start, end = _trim(text, start, end)
            for article in group.art.nums:
                act_id = _resolve_key(key, article, tax_2017)
                for points, subs in _entries(group.pre, group.post) or [([None], [])]:
                    for p in points:
                        for s in subs or [None]:
                            refs.append(CitationRef(article=article, act_id=act_id, point=p, subpoint=s,
                                                    span=(start, end), text=text[start:end], act_name=name))
    return refs
