"""``kzlegal eval answers|retrieval`` and ``kzlegal bench`` (the ablation, :mod:`evaluation.bench`).

The commands only wire files, config and the searcher to the pure scoring functions; every
number comes from :mod:`evaluation.scoring`, :mod:`evaluation.retrieval_eval` and
:mod:`evaluation.aggregate`, which the ablation reuses.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from corpora.errors import KzlegalError
from corpora.settings import parse_overrides
from evaluation.aggregate import aggregate
from evaluation.config import EvalConfig, load_eval_config
from evaluation.inputs import load_predictions, load_questions
from evaluation.report import print_summary, write_items_jsonl
from evaluation.retrieval_eval import SearcherLike, evaluate_retrieval
from evaluation.scoring import METRIC_SETS, ScoringContext, score_answers


def _emit(payload: dict[str, Any], as_json: bool, title: str) -> None:
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_summary(payload, title)


def _store_lookup(store_dir: str | None, notes: list[str]):
    """``(act_id, article) -> exists`` over the corpus store, or None with a note when there is none."""
    from corpora.store import load_store

    try:
        store = load_store(store_dir)
    except (KzlegalError, OSError) as exc:
        notes.append(f"verified skipped: {exc}")
        return None
    return lambda act_id, article: store.get(act_id, article) is not None


def run_answers(predictions: str | Path, metric_set: str, cfg: EvalConfig, store_dir: str | None = None,
                progress: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Score a predictions file: the summary payload and the per-item results."""
    items = load_predictions(predictions)
    ctx = ScoringContext(bertscore_model=cfg.bertscore_model, bertscore_num_layers=cfg.bertscore_num_layers)
    if metric_set == "all":
        ctx.article_exists = _store_lookup(store_dir, ctx.notes)
    results = score_answers(items, metric_set, ctx, progress=progress)
    summary = aggregate(results, n_resamples=cfg.bootstrap_resamples, seed=cfg.bootstrap_seed, confidence=cfg.confidence)
    payload = {"predictions": str(predictions), "metrics_set": metric_set, **summary, "notes": ctx.notes}
    return payload, results


def run_retrieval(questions: str | Path, searcher: SearcherLike, k: int, covered_only: bool, cfg: EvalConfig,
                  progress: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Search and score a labelled questions file with an already loaded searcher.

    Questions that are also example questions of the index (retrieval.examples) are left out of
    its example bank while they are scored: otherwise the score would measure memory, not search.
    """
    from retrieval.examples import left_out

    items = load_questions(questions)
    notes = []
    with left_out(getattr(searcher, "data", None), [q["question"] for q in items]) as dropped:
        results, info = evaluate_retrieval(items, searcher, k=k, covered_only=covered_only, progress=progress)
    if dropped:
        notes.append(f"{dropped} of the index's example questions are in {questions}; "
                     "they were left out of the example bank while scoring")
    summary = aggregate(results, n_resamples=cfg.bootstrap_resamples, seed=cfg.bootstrap_seed, confidence=cfg.confidence)
    payload = {"questions": str(questions), **info, **summary}
    if info["unlabelled"]:
        notes.append(f"{info['unlabelled']} of {info['total']} questions skipped: no cited articles to retrieve")
    if covered_only:
        dropped = info["total"] - info["unlabelled"] - info["evaluated"]
        notes.append(f"{dropped} of {info['total']} questions left out: they cite acts not in the index")
    payload["notes"] = notes
    return payload, results


def load_searcher(index_dir: str | None) -> SearcherLike:
    """``retrieval.search.Searcher.load(index_dir)``, with a clear error while that module is missing."""
    try:
        from retrieval.search import Searcher
    except ImportError as exc:
        raise KzlegalError(f"the search index (retrieval.search) is not available: {exc}") from exc
    return Searcher.load(index_dir)


@click.group(name="eval")
def eval_group() -> None:
    """Score answers or retrieval runs."""


@eval_group.command("answers")
@click.option("--predictions", required=True, type=click.Path(dir_okay=False),
              help="JSONL: id, prediction, reference [, question, lang, domain, citations, given].")
@click.option("--metrics", "metric_set", type=click.Choice(METRIC_SETS), default="seed", show_default=True,
              help="seed: the reference-compatible set; all: plus BLEU, act-aware citations, BERTScore.")
@click.option("--store", "store_dir", default=None, help="Corpus store for `verified` (default: $KZLEGAL_HOME/corpus).")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Write per-item scores here (JSONL).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--config", "config_file", default=None, type=click.Path(dir_okay=False), help="Evaluation YAML config.")
@click.argument("overrides", nargs=-1)
def answers(predictions: str, metric_set: str, store_dir: str | None, out: str | None, as_json: bool,
            config_file: str | None, overrides: tuple[str, ...]) -> None:
    """Score predicted answers against references (means, 95 % CIs, by language and domain)."""
    cfg = load_eval_config(config_file, parse_overrides(overrides))
    payload, results = run_answers(predictions, metric_set, cfg, store_dir)
    if out:
        write_items_jsonl(out, results)
    _emit(payload, as_json, f"answers: {predictions}")


@eval_group.command("retrieval")
@click.option("--questions", required=True, type=click.Path(dir_okay=False),
              help="JSONL: id, question, citations [{act_id, article}].")
@click.option("-k", "k", type=int, default=None, help="Cutoff for recall@k and MRR (default from config: 10).")
@click.option("--covered-only", is_flag=True, help="Only questions whose cited acts are all in the index.")
@click.option("--index", "index_dir", default=None, help="Search index directory (default: $KZLEGAL_HOME/index).")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Write per-question rankings and scores (JSONL).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--config", "config_file", default=None, type=click.Path(dir_okay=False), help="Evaluation YAML config.")
@click.argument("overrides", nargs=-1)
def retrieval(questions: str, k: int | None, covered_only: bool, index_dir: str | None, out: str | None,
              as_json: bool, config_file: str | None, overrides: tuple[str, ...]) -> None:
    """Recall@k, MRR and nDCG@10 of the search index on questions labelled with cited articles."""
    cfg = load_eval_config(config_file, parse_overrides(overrides))
    load_questions(questions)  # fail on a bad file before paying for the index
    searcher = load_searcher(index_dir)
    payload, results = run_retrieval(questions, searcher, k if k is not None else cfg.k, covered_only, cfg)
    if out:
        write_items_jsonl(out, results)
    _emit(payload, as_json, f"retrieval: {questions}")


@click.command("bench")
@click.option("--config", "config_file", required=True, type=click.Path(dir_okay=False),
              help="Ablation config, e.g. configs/bench/ablation.yaml (CPU) or ablation-gpu.yaml.")
@click.option("--out", "results_dir", default=None, type=click.Path(file_okay=False),
              help="Results directory (default: results_dir from the config).")
@click.argument("overrides", nargs=-1)
def bench(config_file: str, results_dir: str | None, overrides: tuple[str, ...]) -> None:
    """Run the generator × retrieval ablation on one seeded sample; a rerun resumes.

    Writes results.json, items.jsonl, report.md and the plots (benchmark_metrics, key_info_distribution,
    generation_time, ablation) into the results directory. KEY=VALUE pairs override the config.
    """
    from evaluation.bench import Bench

    extra = parse_overrides(overrides)
    if results_dir:
        extra["results_dir"] = results_dir
    cfg = load_eval_config(config_file, extra)
    results = Bench(cfg, echo=lambda line: click.echo(line, err=True)).run()
    from evaluation.report import bench_ablation_table

    click.echo(bench_ablation_table(results["ablation"]))
    click.echo(f"results: {Path(cfg.results_dir) / 'results.json'}")
