"""The extractive generator: no language model, an answer made of quotations from the retrieved articles.

For each of the top articles it scores every point and sub-point by how many of the question's
words (stems) it contains, picks the best few overall, and quotes them with an exact citation
in the question's language:

    1. пп. 1) п. 1 ст. 28 ТК РК («Содержание трудового договора»): «Трудовой договор должен
       содержать: […] реквизиты сторон: […] фамилию, имя, отчество … работника …».
    1. ЕК 28-бабы 1-тармағының 1) тармақшасы («Еңбек шартының мазмұны»): «…».

Every quotation is the law's text (cut only at paragraph or sentence ends, marked «[…]»), and
every citation is built from the article record itself, so the answer is correct by construction;
the pipeline still verifies the citations like any other generator's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from assistant.prompt import TRIM_MARK, ContextArticle, Prompt, Unit, strip_number
from assistant.relevance import overlap, terms

TEXTS = {
    "ru": {
        "intro": "По вашему вопросу применимы следующие нормы:",
        "none": "В найденных статьях не нашлось положений, прямо отвечающих на вопрос. Уточните вопрос или посмотрите источники.",
        "no_retrieval": "Экстрактивный генератор отвечает только цитатами из найденных статей; без поиска по статьям ответа нет.",
        "outro": "Ответ составлен из текста статей без языковой модели: это цитаты закона, а не юридическое заключение.",
    },
    "kk": {
        "intro": "Сұрағыңызға мына нормалар қолданылады:",
        "none": "Табылған баптарда сұраққа тікелей жауап беретін ереже табылмады. Сұрақты нақтылаңыз немесе дереккөздерді қараңыз.",
        "no_retrieval": "Экстрактивті генератор тек табылған баптардан дәйексөз келтіреді; баптарды іздемей жауап жоқ.",
        "outro": "Жауап баптардың мәтінінен тілдік модельсіз құрастырылды: бұл заң дәйексөздері, заңгерлік қорытынды емес.",
    },
}


def citation_label(short: str, article: str, point: str | None, subpoint: str | None, lang: str) -> str:
    """The exact citation of an article, point or sub-point, as lawyers write it.

    ru: «пп. 1) п. 1 ст. 28 ТК РК», «п. 2 ст. 28 ТК РК», «ст. 28 ТК РК»;
    kk: «ЕК 28-бабы 1-тармағының 1) тармақшасы», «ЕК 28-бабының 2-тармағы», «ЕК 28-бабы».
    """
    if lang == "kk":
        if point and subpoint:
            return f"{short} {article}-бабы {point}-тармағының {subpoint}) тармақшасы"
        if point:
            return f"{short} {article}-бабының {point}-тармағы"
        return f"{short} {article}-бабы"
    if point and subpoint:
        return f"пп. {subpoint}) п. {point} ст. {article} {short}"
    if point:
        return f"п. {point} ст. {article} {short}"
    return f"ст. {article} {short}"


@dataclass
class Pick:
    """A unit chosen for quoting, with what it scored."""

    ctx: ContextArticle
    index: int
    score: float

    @property
    def unit(self) -> Unit:
        return self.ctx.units[self.index]


def _cut_sentences(text: str, max_chars: int) -> str:
    """``text`` cut at the last sentence (or clause) end within ``max_chars``, marked «[…]»."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    end = max(head.rfind(". "), head.rfind("; "), head.rfind(", "))
    head = head[: end + 1] if end > max_chars // 3 else head[: head.rfind(" ")]
    return head.rstrip(" ,;") + " " + TRIM_MARK


def quote_unit(unit: Unit, lead: Unit | None, q_terms: set[str], lang: str, max_chars: int,
               lead_adjacent: bool = False, weights: dict[str, float] | None = None) -> str:
    """The words of a unit worth quoting: its first line, then the lines that share words with the question.

    A sub-point is quoted after its point's lead-in («Трудовой договор должен содержать: […]»), so the
    quotation reads as the law does. Left-out lines are marked «[…]».
    """
    lines = [ln for ln in strip_number(unit.text).split("\n") if ln.strip()]
    if not lines:
        return ""
    keep = {0}
    scores = {i: overlap(q_terms, lines[i], lang, weights) for i in range(1, len(lines))}
    best = max(scores.values(), default=0.0)
    keep |= {i for i, s in scores.items() if s > 0 and s >= 0.4 * best}
    parts: list[str] = []
    if lead is not None:
        parts.append(_cut_sentences(strip_number(lead.text).strip(), max_chars // 3))
        if not lead_adjacent:  # sub-points between the lead-in and this one are left out
            parts.append(TRIM_MARK)
    previous = -1
    for i in sorted(keep):
        if i != previous + 1 and previous >= 0:
            parts.append(TRIM_MARK)
        parts.append(lines[i].strip())
        previous = i
    if previous != len(lines) - 1:
        parts.append(TRIM_MARK)
    text = " ".join(parts)
    text = re.sub(r"(?:\s*\[…\])+", " " + TRIM_MARK, text)  # never two marks in a row
    return _cut_sentences(text, max_chars)


class ExtractiveGenerator:
    """Quote the most relevant points of the top articles, each with its exact citation."""

    name = "extractive"

    def __init__(self, max_articles: int = 3, max_points: int = 4, quote_chars: int = 600, min_share: float = 0.5):
        self.min_share = min_share
        self.max_articles = max_articles
        self.max_points = max_points
        self.quote_chars = quote_chars

    def pick(self, prompt: Prompt) -> list[Pick]:
        """The units to quote, best first: relevance to the question plus a small bonus for the article's rank.

        Lead-ins that only announce a list («… должен содержать:») are not quoted on their own;
        at most two units come from one article, and the top article always contributes one.
        """
        candidates: list[Pick] = []
        for ctx in prompt.contexts[: self.max_articles]:
            rank_bonus = 0.15 / ctx.rank
            for i in ctx.kept:
                unit = ctx.units[i]
                announces_list = unit.text.rstrip().endswith(":") and any(u.parent == i for u in ctx.units)
                if announces_list or not strip_number(unit.text).strip():
                    continue
                candidates.append(Pick(ctx, i, unit.relevance + rank_bonus if unit.relevance > 0 else 0.0))
        candidates.sort(key=lambda p: (-p.score, p.ctx.rank, p.index))
        best = max((p.unit.relevance for p in candidates), default=0.0)
        chosen: list[Pick] = []
        per_article: dict[tuple[str, str], int] = {}
        for pick in candidates:
            # a unit far weaker than the best one matches only a generic word («работник»)
            if pick.score <= 0 or len(chosen) >= self.max_points:
                break
            if pick.unit.relevance < self.min_share * best:
                continue
            if per_article.get(pick.ctx.key, 0) >= 2:
                continue
            # two paragraphs of an article without points would carry the same citation: quote one
            if pick.unit.point is None and any(c.ctx is pick.ctx and c.unit.point is None for c in chosen):
                continue
            chosen.append(pick)
            per_article[pick.ctx.key] = per_article.get(pick.ctx.key, 0) + 1
        if prompt.contexts and not any(p.ctx is prompt.contexts[0] for p in chosen):
            top = prompt.contexts[0]
            first = next((p for p in candidates if p.ctx is top), None)
            if first is not None:
                chosen = chosen[: self.max_points - 1] + [first]
        return chosen

    def generate(self, prompt: Prompt) -> str:
        lang = prompt.lang if prompt.lang in TEXTS else "ru"
        texts = TEXTS[lang]
        if not prompt.retrieval:
            return texts["no_retrieval"]
        picks = self.pick(prompt)
        if not picks:
            return texts["none"]
        q_terms = set(terms(prompt.question, lang))
        lines = [texts["intro"], ""]
        for n, pick in enumerate(picks, 1):
            article = pick.ctx.article
            unit = pick.unit
            lead = pick.ctx.units[unit.parent] if unit.parent is not None else None
            short = article.short_name or article.act_id
            label = citation_label(short, article.article, unit.point, unit.subpoint, article.lang)
            quote = quote_unit(unit, lead, q_terms, article.lang, self.quote_chars,
                               lead_adjacent=unit.parent is not None and unit.parent == pick.index - 1,
                               weights=prompt.term_weights)
            # one paragraph per quotation: the citation parser carries an act within a paragraph, so the
            # quoted law's own «настоящего Кодекса» is read as the act cited at the paragraph's start
            lines += [f"{n}. {label} («{article.title}»): «{quote}»", ""]
        lines.append(texts["outro"])
        return "\n".join(lines)

    def stream(self, prompt: Prompt) -> Iterator[str]:
        yield self.generate(prompt)
