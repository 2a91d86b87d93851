"""Benchmark plots, drawn from the results JSON (format: :mod:`evaluation.results`).

* ``benchmark_metrics.png`` — mean of each answer metric with its 95 % CI, beside the per-item
  distribution (box plot) of the same metrics;
* ``key_info_distribution.png`` — histogram of per-item key-information scores;
* ``generation_time.png`` — histogram of per-answer generation time with mean and median;
* ``ablation.png`` — one panel per metric, bars per generator grouped by retrieval k, CI whiskers.

Each ``plot_*`` function takes plain per-item result dicts / ablation rows and a target path,
so ``kzlegal bench`` draws the same figures right after a run; ``kzlegal plots bench DIR``
redraws them from ``DIR/results.json``. Files are written atomically with the Agg backend.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import click
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from corpora.atomic import atomic_path  # noqa: E402
from evaluation.aggregate import metric_names  # noqa: E402
from evaluation.results import load_results, row_metrics  # noqa: E402

#: Metrics shown by default, in this order, when present (the reference report's four first).
HEADLINE_METRICS = ("token_f1", "exact_match", "key_info", "length_ratio", "rougeL", "bleu",
                    "overall", "overall_seed", "citation_accuracy", "hallucination_rate",
                    "citation_f1", "verified", "grounded", "bertscore_f1")
#: What the ablation figure shows first: the scores that differ between configurations.
ABLATION_METRICS = ("overall", "key_info", "token_f1", "rougeL", "citation_f1", "hallucination_rate",
                    "verified", "grounded", "citation_accuracy", "bleu", "bertscore_f1", "length_ratio")


def _save(fig: plt.Figure, path: str | Path) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path


def _shown_metrics(names: Sequence[str], metrics: Sequence[str] | None) -> list[str]:
    if metrics is not None:
        return [m for m in metrics if m in names]
    return [m for m in HEADLINE_METRICS if m in names] + [m for m in names if m not in HEADLINE_METRICS]


def _column(items: Sequence[dict[str, Any]], name: str) -> list[float]:
    return [float(it["metrics"][name]) for it in items if it.get("metrics", {}).get(name) is not None]


def plot_benchmark_metrics(items: Sequence[dict[str, Any]], avg: dict[str, float | None], ci: dict[str, Any],
                           path: str | Path, metrics: Sequence[str] | None = None) -> Path:
    """Mean ± 95 % CI bars (left) and per-item box plots (right) of the answer metrics, in percent."""
    names = _shown_metrics([m for m, v in avg.items() if v is not None], metrics)
    fig, (ax_mean, ax_dist) = plt.subplots(1, 2, figsize=(13, 5))
    means = [100 * avg[m] for m in names]
    lows = [100 * (avg[m] - ci[m][0]) if ci.get(m) else 0.0 for m in names]
    highs = [100 * (ci[m][1] - avg[m]) if ci.get(m) else 0.0 for m in names]
    bars = ax_mean.bar(names, means, yerr=[lows, highs], capsize=4, color="#4C72B0")
    for bar, value in zip(bars, means):
        ax_mean.annotate(f"{value:.1f}", (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom",
                         fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax_mean.set_ylabel("mean, % (95 % bootstrap CI)")
    ax_mean.set_ylim(0, 105)
    ax_mean.set_title(f"Mean metrics (n = {len(items)})")
    ax_mean.tick_params(axis="x", rotation=45)
    columns = [[100 * v for v in _column(items, m)] for m in names]
    ax_dist.boxplot(columns, showmeans=True)
    ax_dist.set_xticks(range(1, len(names) + 1), names, rotation=45)
    ax_dist.set_ylabel("per item, %")
    ax_dist.set_title("Per-item distribution")
    fig.tight_layout()
    return _save(fig, path)


def plot_key_info_distribution(items: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Histogram of per-item key_info (0..100 %) with its mean marked."""
    values = [100 * v for v in _column(items, "key_info")]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.hist(values, bins=[i * 10 for i in range(11)], color="#55A868", edgecolor="white")
    if values:
        mean = sum(values) / len(values)
        ax.axvline(mean, color="black", linestyle="--", label=f"mean {mean:.1f} %")
        ax.legend()
    ax.set_xlabel("key info score, %")
    ax.set_ylabel("answers")
    ax.set_title(f"Key info score distribution (n = {len(values)})")
    fig.tight_layout()
    return _save(fig, path)


def plot_generation_time(items: Sequence[dict[str, Any]], path: str | Path) -> Path:
    """Histogram of per-answer generation time (seconds) with mean and median marked."""
    times = sorted(float(it["gen_time"]) for it in items if it.get("gen_time") is not None)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.hist(times, bins=20, color="#C44E52", edgecolor="white")
    if times:
        mean = sum(times) / len(times)
        median = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
        ax.axvline(mean, color="black", linestyle="--", label=f"mean {mean:.2f} s")
        ax.axvline(median, color="grey", linestyle=":", label=f"median {median:.2f} s")
        ax.legend()
    ax.set_xlabel("generation time per answer, s")
    ax.set_ylabel("answers")
    ax.set_title(f"Generation time (n = {len(times)}, total {sum(times):.1f} s)")
    fig.tight_layout()
    return _save(fig, path)


def plot_ablation(rows: Sequence[dict[str, Any]], path: str | Path, metrics: Sequence[str] | None = None) -> Path:
    """One panel per metric: a bar per generator within each retrieval-k group, with CI whiskers where given."""
    present: list[str] = []
    for row in rows:
        for m in row_metrics(row):
            if m not in present:
                present.append(m)
    if metrics is None:
        metrics = [m for m in ABLATION_METRICS if m in present] + [m for m in present if m not in ABLATION_METRICS]
    names = _shown_metrics(present, metrics)[:6]
    generators = list(dict.fromkeys(str(r["generator"]) for r in rows))
    ks = sorted({r["retrieval_k"] for r in rows})
    by_key = {(str(r["generator"]), r["retrieval_k"]): r for r in rows}
    cols = min(3, max(1, len(names)))
    nrows = (len(names) + cols - 1) // cols or 1
    fig, axes = plt.subplots(nrows, cols, figsize=(5 * cols, 4 * nrows), squeeze=False)
    width = 0.8 / max(1, len(generators))
    for ax, name in zip(axes.flat, names):
        for g, generator in enumerate(generators):
            xs, heights, whiskers = [], [], [[], []]
            for x, k in enumerate(ks):
                row = by_key.get((generator, k))
                if row is None or row.get(name) is None:
                    continue
                value = 100 * row[name]
                interval = (row.get("ci") or {}).get(name)
                xs.append(x + (g - (len(generators) - 1) / 2) * width)
                heights.append(value)
                whiskers[0].append(value - 100 * interval[0] if interval else 0.0)
                whiskers[1].append(100 * interval[1] - value if interval else 0.0)
            ax.bar(xs, heights, width=width, yerr=whiskers, capsize=3, label=generator)
        ax.set_xticks(range(len(ks)), [f"k={k}" if k else "no retrieval" for k in ks])
        ax.set_title(name)
        ax.set_ylabel("%")
        ax.set_ylim(bottom=0)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.suptitle("Ablation: generator × retrieval depth")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    if names:  # one legend above the panels, where it hides no bar
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, title="generator", loc="upper right", ncol=len(generators), fontsize=8)
    return _save(fig, path)


def draw_all(results: dict[str, Any], out_dir: str | Path) -> tuple[list[Path], list[str]]:
    """Every plot the results support; returns the files written and why any were left out."""
    out_dir = Path(out_dir)
    items = results.get("results", [])
    written: list[Path] = []
    skipped: list[str] = []
    avg = results.get("avg_metrics") or {}
    if avg:
        written.append(plot_benchmark_metrics(items, avg, results.get("ci") or {}, out_dir / "benchmark_metrics.png"))
    else:
        skipped.append("benchmark_metrics.png: no avg_metrics")
    if "key_info" in metric_names(items):
        written.append(plot_key_info_distribution(items, out_dir / "key_info_distribution.png"))
    else:
        skipped.append("key_info_distribution.png: no per-item key_info")
    if any(it.get("gen_time") is not None for it in items):
        written.append(plot_generation_time(items, out_dir / "generation_time.png"))
    else:
        skipped.append("generation_time.png: no per-item gen_time")
    if results.get("ablation"):
        written.append(plot_ablation(results["ablation"], out_dir / "ablation.png"))
    else:
        skipped.append("ablation.png: no ablation rows")
    return written, skipped


@click.command("bench")
@click.argument("results_dir", type=click.Path(file_okay=False))
@click.option("--results", "results_file", default=None, type=click.Path(dir_okay=False),
              help="Results JSON to read (default: RESULTS_DIR/results.json).")
def plots_bench(results_dir: str, results_file: str | None) -> None:
    """Redraw the benchmark plots of RESULTS_DIR from its results.json."""
    results = load_results(results_file or results_dir)
    written, skipped = draw_all(results, results_dir)
    for path in written:
        click.echo(f"wrote {path}")
    for reason in skipped:
        click.echo(f"skipped {reason}")
