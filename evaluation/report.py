"""Turning aggregated scores into what people read: the --json payload, console and Markdown tables.

Tables show fractions as percentages with two decimals (as the reference report does:
«Token F1 26.71 %»); JSON keeps full precision fractions.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from rich.console import Console
from rich.table import Table

from corpora.atomic import write_text
from evaluation.results import row_metrics


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f} %"


def _ci(interval: Sequence[float] | None) -> str:
    return "—" if not interval else f"[{100 * interval[0]:.2f}, {100 * interval[1]:.2f}]"


def summary_table(summary: dict[str, Any], title: str) -> Table:
    """A rich table: one row per metric with mean, 95 % CI and the per-language means."""
    langs = list(summary.get("by_lang", {}))
    table = Table(title=f"{title} (n = {summary['n']})")
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("95 % CI", justify="right")
    for lang in langs:
        table.add_column(f"{lang} (n={summary['by_lang'][lang]['n']})", justify="right")
    for name, value in summary["mean"].items():
        cells = [_pct(summary["by_lang"][lang]["mean"].get(name)) for lang in langs]
        table.add_row(name, _pct(value), _ci(summary["ci"].get(name)), *cells)
    return table


def print_summary(summary: dict[str, Any], title: str, console: Console | None = None) -> None:
    """Print the summary table, then the domain breakdown of the headline metric, then any notes."""
    console = console or Console()
    console.print(summary_table(summary, title))
    domains = summary.get("by_domain", {})
    if len(domains) > 1 or (domains and "unknown" not in domains):
        headline = next((m for m in ("overall", "mrr") if m in summary["mean"]), next(iter(summary["mean"]), None))
        if headline:
            parts = ", ".join(f"{d} {_pct(v['mean'].get(headline))} (n={v['n']})" for d, v in domains.items())
            console.print(f"{headline} by domain: {parts}")
    for note in summary.get("notes", []):
        console.print(f"note: {note}")


def summary_markdown(summary: dict[str, Any]) -> str:
    """The summary as a Markdown table (metric | mean | 95 % CI | per language)."""
    langs = list(summary.get("by_lang", {}))
    head = ["metric", "mean", "95 % CI"] + [f"{lang} (n={summary['by_lang'][lang]['n']})" for lang in langs]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, value in summary["mean"].items():
        cells = [name, _pct(value), _ci(summary["ci"].get(name))]
        cells += [_pct(summary["by_lang"][lang]["mean"].get(name)) for lang in langs]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def ablation_markdown(rows: Sequence[dict[str, Any]], metrics: Sequence[str] | None = None) -> str:
    """The ablation table in Markdown: one row per (generator, retrieval_k), one column per metric."""
    if not rows:
        return ""
    metrics = list(metrics) if metrics is not None else list(row_metrics(rows[0]))
    head = ["generator", "retrieval k", "n"] + metrics
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [str(row["generator"]), str(row["retrieval_k"]), str(row.get("n", ""))]
        cells += [_pct(row.get(m)) for m in metrics]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_items_jsonl(path: str | Path, items: Sequence[dict[str, Any]]) -> None:
    """Per-item results, one JSON object a line, written atomically."""
    write_text(path, "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items))
