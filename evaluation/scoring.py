"""Scoring answers: turn validated prediction items into per-item result dicts.

Two metric sets:

* ``seed`` — the reference-compatible set (see :mod:`evaluation.answer_metrics`), plus ROUGE-L
  because our ``overall`` weights it; ``overall_seed`` is the reference run's composition.
* ``all`` — ``seed`` plus BLEU, act-aware citation precision/recall/F1, ``verified``,
  ``grounded`` and (when available locally) BERTScore F1.

Metrics that cannot be computed here (no citation parser, no corpus store, no BERTScore model)
are left out and explained in the returned notes, never silently scored as 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from tqdm import tqdm

from evaluation import answer_metrics as am
from evaluation import citation_metrics as cm

METRIC_SETS = ("seed", "all")

SEED_METRICS = (
    "exact_match", "token_f1", "length_ratio", "key_info", "rougeL",
    "overall", "overall_seed", "citation_accuracy", "hallucination_rate",
)
CITATION_METRICS = ("citation_precision", "citation_recall", "citation_f1")


@dataclass
class ScoringContext:
    """What scoring beyond the texts may use: corpus lookup, citation parser, BERTScore settings."""

    article_exists: Callable[[str, str], bool] | None = None  # (act_id, article) -> exists in corpus
    use_citation_parser: bool = True
    bertscore_model: str | None = None
    bertscore_num_layers: int | None = None
    notes: list[str] = field(default_factory=list)


def seed_scores(prediction: str, reference: str) -> dict[str, float]:
    """The reference-compatible metrics of one answer (ROUGE-L included, for ``overall``)."""
    f1 = am.token_f1(prediction, reference)
    ki = am.key_info(prediction, reference)
    lr = am.length_ratio(prediction, reference)
    rl = am.rouge_l(prediction, reference)
    return {
        "exact_match": am.exact_match(prediction, reference),
        "token_f1": f1,
        "length_ratio": lr,
        "key_info": ki,
        "rougeL": rl,
        "overall": am.overall(f1, ki, rl, lr),
        "overall_seed": am.overall_seed(f1, ki, lr),
        "citation_accuracy": am.citation_accuracy(prediction, reference),
        "hallucination_rate": am.hallucination_rate(prediction, reference),
    }


def citation_scores(item: dict[str, Any], ctx: ScoringContext) -> dict[str, float | None]:
    """Act-aware citation metrics of one item; gold pairs are its ``citations`` labels, else those cited in the reference."""
    default_act = item.get("act")
    predicted = cm.pairs_in_text(item["prediction"], default_act)
    if item.get("citations") is not None:
        gold = cm.pairs_from_labels(item["citations"])
    else:
        gold = cm.pairs_in_text(item["reference"], default_act)
    prf = cm.citation_prf(predicted, gold)
    out: dict[str, float | None] = {
        "citation_precision": prf.precision,
        "citation_recall": prf.recall,
        "citation_f1": prf.f1,
    }
    if ctx.article_exists is not None:
        out["verified"] = cm.verified_share(predicted, ctx.article_exists)
    if item.get("given") is not None:
        out["grounded"] = cm.grounded_share(predicted, cm.pairs_from_labels(item["given"]))
    return out


def bertscore_f1(predictions: Sequence[str], references: Sequence[str], ctx: ScoringContext) -> list[float] | None:
    """BERTScore F1 per item with a locally available model, or None with a note saying why not."""
    try:
        from bert_score import score as bert_score_fn
    except ImportError:
        ctx.notes.append("bertscore_f1 skipped: the bert-score package is not installed")
        return None
    if not ctx.bertscore_model:
        ctx.notes.append("bertscore_f1 skipped: no local model configured (bertscore_model=DIR)")
        return None
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never download a model during evaluation
    try:
        _, _, f1 = bert_score_fn(
            list(predictions), list(references),
            model_type=ctx.bertscore_model, num_layers=ctx.bertscore_num_layers, verbose=False,
        )
    except Exception as exc:  # a missing/unsupported local model must not sink the other metrics
        ctx.notes.append(f"bertscore_f1 skipped: model {ctx.bertscore_model!r} could not be used ({exc})")
        return None
    return [float(x) for x in f1]


def result_item(item: dict[str, Any], metrics: dict[str, float | None]) -> dict[str, Any]:
    """The per-item result dict every aggregation and report in this package reads."""
    out = {
        "id": item["id"],
        "lang": item.get("lang"),
        "domain": item.get("domain"),
        "question": item.get("question"),
        "reference": item["reference"],
        "prediction": item["prediction"],
        "metrics": metrics,
    }
    if item.get("gen_time") is not None:
        out["gen_time"] = item["gen_time"]
    return out


def score_answers(items: Sequence[dict[str, Any]], metric_set: str = "seed", ctx: ScoringContext | None = None,
                  progress: bool = True) -> list[dict[str, Any]]:
    """Score validated prediction items (see :func:`evaluation.inputs.load_predictions`)."""
    if metric_set not in METRIC_SETS:
        raise ValueError(f"metric set must be one of {METRIC_SETS}, got {metric_set!r}")
    ctx = ctx or ScoringContext()
    use_citations = metric_set == "all" and ctx.use_citation_parser and cm.citation_parser_available()
    if metric_set == "all":
        if not use_citations:
            ctx.notes.append("citation_precision/recall/f1, verified, grounded skipped: "
                             "retrieval.citations.find_citations is not available")
        elif ctx.article_exists is None:
            ctx.notes.append("verified skipped: no corpus store to check cited articles against")
        if use_citations and not any(item.get("given") is not None for item in items):
            ctx.notes.append("grounded skipped: no item lists the articles given to the model ('given')")
    results = []
    for item in tqdm(items, desc="scoring answers", unit="answer", disable=not progress):
        metrics: dict[str, float | None] = seed_scores(item["prediction"], item["reference"])
        if metric_set == "all":
            metrics["bleu"] = am.bleu(item["prediction"], item["reference"])
            if use_citations:
                metrics.update(citation_scores(item, ctx))
        results.append(result_item(item, metrics))
    if metric_set == "all":
        scores = bertscore_f1([i["prediction"] for i in items], [i["reference"] for i in items], ctx)
        if scores is not None:
            for result, value in zip(results, scores):
                result["metrics"]["bertscore_f1"] = value
    return results
