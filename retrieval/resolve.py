"""Check citations against the corpus store: does the act, article, point, sub-point exist?

A citation resolves to one of (retrieval.types.Status):

* ``ok`` — the article is there (and its point / sub-point); ``point_text`` is the text of the
  point or sub-point cited, with its own sub-points;
* ``unknown_act`` — no act named, an act the registry does not know («Закон о туризме»), or a
  registry act that is not in this corpus store;
* ``no_such_article`` / ``no_such_point`` — the number does not exist in the act / article;
* ``repealed`` — the article is in the act but marked repealed («Исключена», «алып тасталды»).

Points of codes with parts (КоАП, УК, ГПК, АППК) are the store's points. A sub-point cited
without its point («ст. 5 пп. 3») is looked for in the article's unnumbered point (articles
that list «1) … 2) …» directly) and then in the only point that has it.
"""
from __future__ import annotations

from corpora.model import Article, Point
from corpora.registry import act_by_id
from corpora.store import CorpusStore
from retrieval.citations import find_citations
from retrieval.types import CitationRef, Resolution


def _act_label(act_id: str, lang: str | None) -> str:
    """«ТК РК» for a registry act, else the adilet code itself."""
    act = act_by_id(act_id)
    return act.short(lang or "ru") if act else act_id


def _find_subpoint(article: Article, point: str | None, subpoint: str) -> tuple[Point | None, Point | None]:
    """(point, sub-point) of ``article``; with no point given, the unnumbered point first, then a unique owner."""
    if point is not None:
        p = article.point(point)
        return p, next((sp for sp in (p.subpoints if p else []) if sp.number == subpoint), None)
    owners = [p for p in article.points if any(sp.number == subpoint for sp in p.subpoints)]
    unnumbered = [p for p in owners if p.number == ""]
    chosen = unnumbered[0] if unnumbered else owners[0] if len(owners) == 1 else None
    if chosen is None:
        return None, None
    return chosen, next(sp for sp in chosen.subpoints if sp.number == subpoint)


def resolve(ref: CitationRef, store: CorpusStore, lang: str | None = None) -> Resolution:
    """The article (and point) ``ref`` names in ``store``, or why it cannot be found."""
    if ref.act_id is None:
        if ref.act_name:
            return Resolution(ref, "unknown_act", f"unknown act «{ref.act_name}»")
        return Resolution(ref, "unknown_act", f"no act named for article {ref.article} (and no default act)")
    act = act_by_id(ref.act_id)
    if ref.act_id not in store.act_ids():
        if act is None:
            return Resolution(ref, "unknown_act", f"unknown act «{ref.act_name or ref.act_id}»")
        return Resolution(ref, "unknown_act", f"act {ref.act_id} ({act.short(lang or 'ru')}) is not in the corpus")
    label = _act_label(ref.act_id, lang)
    article = store.get(ref.act_id, ref.article, lang)
    if article is None:
        return Resolution(ref, "no_such_article", f"{ref.act_id} has no article {ref.article}")
    where = f"article {ref.article} of {label}"
    if article.repealed:
        return Resolution(ref, "repealed", f"{where} is repealed", article=article)
    if ref.subpoint is not None:
        point, sub = _find_subpoint(article, ref.point, ref.subpoint)
        if ref.point is not None and point is None:
            return Resolution(ref, "no_such_point", f"{where} has no point {ref.point}", article=article)
        if sub is None:
            owner = f"point {ref.point} of {where}" if ref.point is not None else where
            return Resolution(ref, "no_such_point", f"{owner} has no sub-point {ref.subpoint}", article=article)
        return Resolution(ref, "ok", article=article, point_text=sub.full_text())
    if ref.point is not None:
        point = article.point(ref.point)
        if point is None:
            return Resolution(ref, "no_such_point", f"{where} has no point {ref.point}", article=article)
        return Resolution(ref, "ok", article=article, point_text=point.full_text())
    return Resolution(ref, "ok", article=article)


def resolve_text(text: str, store: CorpusStore, default_act: str | None = None, lang: str | None = None) -> list[Resolution]:
    """Find every citation in ``text`` and resolve each against ``store``."""
    return [resolve(ref, store, lang=lang) for ref in find_citations(text, default_act=default_act)]
