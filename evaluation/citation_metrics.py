"""Act-aware citation metrics over (act_id, article) pairs.

An answer citing «ст. 28 ТК РК» and «ст. 30 ЗПП» yields the pairs ("K1500000414", "28") and
("Z100000274_", "30") via :func:`retrieval.citations.find_citations`. Unlike the reference's
citation strings (which only see «ст.28»), a pair names the act, so «ст. 28 ТК» does not match
«ст. 28 НК». The metrics are pure functions over sets of pairs; only :func:`pairs_in_text` touches
the citation parser, imported lazily because it belongs to the retrieval package.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

Pair = tuple  # (act_id or None, article) — act_id is None when the text names no act


@dataclass
class CitationScores:
    """Precision/recall/F1 of predicted against gold pairs."""

    precision: float
    recall: float
    f1: float


def citation_prf(predicted: Iterable[Pair], gold: Iterable[Pair]) -> CitationScores:
    """Set precision, recall and F1 of predicted pairs against gold pairs.

    Conventions match the reference's citation metrics: precision is 1.0 when nothing is
    predicted (nothing wrongly cited), recall is 1.0 when the gold has no citations; F1 is their
    harmonic mean, 0.0 when both are 0. So an answer with no citations to a question needing
    none scores 1/1/1, and one that cites nothing where citations were needed scores 1/0/0.
    """
    pred, ref = set(predicted), set(gold)
    common = len(pred & ref)
    precision = common / len(pred) if pred else 1.0
    recall = common / len(ref) if ref else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CitationScores(precision, recall, f1)


def verified_share(predicted: Iterable[Pair], exists: Callable[[str, str], bool]) -> float | None:
    """Share of cited articles that exist in the corpus; None (left out of means) when nothing is cited.

    A pair whose act is unknown (act_id None) cannot be verified and counts as not existing.
    """
    pred = set(predicted)
    if not pred:
        return None
    return sum(1 for act, art in pred if act is not None and exists(act, art)) / len(pred)


def grounded_share(predicted: Iterable[Pair], given: Iterable[Pair]) -> float | None:
    """Share of cited articles that were among the articles given to the model; None when nothing is cited."""
    pred = set(predicted)
    if not pred:
        return None
    return len(pred & set(given)) / len(pred)


def citation_parser_available() -> bool:
    """Whether ``retrieval.citations.find_citations`` can be imported (it is a teammate's module)."""
    try:
        from retrieval.citations import find_citations  # noqa: F401
    except ImportError:
        return False
    return True


def pairs_in_text(text: str, default_act: str | None = None) -> set[Pair]:
    """(act_id, article) pairs cited in ``text``, by the retrieval package's citation parser."""
    from retrieval.citations import find_citations

    return {(ref.act_id, ref.article) for ref in find_citations(text, default_act=default_act)}


def pairs_from_labels(labels: Iterable[dict]) -> set[Pair]:
    """``[{"act_id": "K1500000414", "article": "28"}, ...]`` → {("K1500000414", "28")}; articles as strings."""
    return {(str(label["act_id"]), str(label["article"])) for label in labels}
