"""Running a searcher over labelled questions and scoring each ranking.

The searcher is anything with ``search(query, k=...) -> list[Hit]`` (hits carry ``act_id`` and
``article``) and a ``store`` with ``act_ids()`` — :class:`retrieval.search.Searcher` in the CLI,
a small in-memory fake in tests. Questions come from :func:`evaluation.inputs.load_questions`.
"""
from __future__ import annotations

from typing import Any, Protocol, Sequence

from tqdm import tqdm

from corpora.errors import KzlegalError
from evaluation.citation_metrics import pairs_from_labels
from evaluation.retrieval_metrics import dedupe_ranked, retrieval_scores


class SearcherLike(Protocol):
    store: Any

    def search(self, query: str, k: int = 10) -> list[Any]: ...


def covered(question: dict[str, Any], act_ids: set[str]) -> bool:
    """True when every act the question cites is in the index (so its articles can be retrieved)."""
    return all(label["act_id"] in act_ids for label in question["citations"])


def select_questions(questions: Sequence[dict[str, Any]], act_ids: set[str] | None) -> list[dict[str, Any]]:
    """The questions whose cited acts are all in ``act_ids`` (all questions when ``act_ids`` is None)."""
    if act_ids is None:
        return list(questions)
    return [q for q in questions if covered(q, act_ids)]


def _search_all(searcher: SearcherLike, queries: list[str], depth: int, progress: bool, batch: int = 32) -> list[list[Any]]:
    """Hits per query, in order; batched through ``search_many`` when the searcher has it (one embedding call per batch)."""
    many = getattr(searcher, "search_many", None)
    out: list[list[Any]] = []
    with tqdm(total=len(queries), desc="searching", unit="question", disable=not progress) as bar:
        for start in range(0, len(queries), batch):
            chunk = queries[start:start + batch]
            out.extend(many(chunk, k=depth) if many is not None else [searcher.search(q, k=depth) for q in chunk])
            bar.update(len(chunk))
    return out


def evaluate_retrieval(questions: Sequence[dict[str, Any]], searcher: SearcherLike, k: int = 10,
                       covered_only: bool = False, progress: bool = True) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Search each question once; per-item result dicts plus ``{"total", "unlabelled", "evaluated", "covered_only", "k"}``.

    Questions with no cited articles are skipped (nothing to retrieve). The search depth is max(k, 10) so that nDCG@10 is always measured on ten articles.
    """
    if k < 1:
        raise KzlegalError(f"-k must be at least 1, got {k}")
    labelled = [q for q in questions if q["citations"]]
    if not labelled:
        raise KzlegalError(f"none of the {len(questions)} questions is labelled with cited articles")
    chosen = select_questions(labelled, searcher.store.act_ids() if covered_only else None)
    if not chosen:
        raise KzlegalError(f"none of the {len(questions)} questions cites only acts in the index; "
                           "build the index over their acts or drop --covered-only")
    depth = max(k, 10)
    results = []
    for q, hits in zip(chosen, _search_all(searcher, [q["question"] for q in chosen], depth, progress)):
        ranked = dedupe_ranked((h.act_id, str(h.article)) for h in hits)
        relevant = pairs_from_labels(q["citations"])
        results.append({
            "id": q["id"],
            "lang": q.get("lang"),
            "domain": q.get("domain"),
            "question": q["question"],
            "citations": q["citations"],
            "retrieved": [list(p) for p in ranked[:depth]],
            "metrics": retrieval_scores(ranked, relevant, k),
        })
    info = {"total": len(questions), "unlabelled": len(questions) - len(labelled), "evaluated": len(chosen),
            "covered_only": covered_only, "k": k}
    return results, info
