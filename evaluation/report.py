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


#: The ablation tables' columns: the scores that differ between configurations, then length.
BENCH_TABLE_METRICS = ("overall", "token_f1", "key_info", "rougeL", "bleu", "citation_f1", "hallucination_rate",
                       "verified", "grounded", "length_ratio")
#: The per-language table keeps fewer columns so that it stays readable.
BENCH_LANG_METRICS = ("overall", "token_f1", "key_info", "rougeL", "citation_f1")


def _row_label(row: dict[str, Any]) -> str:
    return f"{row['generator']}:{row['retrieval_k']}"


def bench_ablation_table(rows: Sequence[dict[str, Any]]) -> str:
    """The ablation table with the metrics present among :data:`BENCH_TABLE_METRICS`, the mean number of
    retrieved articles that fitted in the prompt, and seconds per answer."""
    present = {m for row in rows for m in row_metrics(row)}
    metrics = [m for m in BENCH_TABLE_METRICS if m in present]
    lines = ablation_markdown(rows, metrics).rstrip("\n").split("\n")
    if not lines or not lines[0]:
        return ""
    lines[0] += " articles in prompt | s/answer |"
    lines[1] += "---|---|"
    for i, row in enumerate(rows, 2):
        articles = (row.get("prompt") or {}).get("avg_articles")
        seconds = (row.get("timing") or {}).get("avg_gen_time_s")
        lines[i] += f" {articles:.2f} |" if articles is not None else " — |"
        lines[i] += f" {seconds:.3f} |" if seconds is not None else " — |"
    return "\n".join(lines) + "\n"


def bench_lang_table(rows: Sequence[dict[str, Any]]) -> str:
    """One line per (row, language): n and the per-language means of :data:`BENCH_LANG_METRICS`."""
    present = {m for row in rows for m in row_metrics(row)}
    metrics = [m for m in BENCH_LANG_METRICS if m in present]
    head = ["generator", "retrieval k", "lang", "n"] + metrics
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        for lang, part in (row.get("by_lang") or {}).items():
            cells = [str(row["generator"]), str(row["retrieval_k"]), lang, str(part["n"])]
            cells += [_pct(part["mean"].get(m)) for m in metrics]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _quote(text: str | None, limit: int = 700) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        text = text[:limit].rstrip() + " …"
    return "\n".join("> " + line if line else ">" for line in text.split("\n")) if text else "> (empty)"


def example_ids(items: Sequence[dict[str, Any]], n: int) -> list[str]:
    """Up to ``n`` item ids, alternating languages so both are shown, in sample order."""
    by_lang: dict[str, list[str]] = {}
    for item in items:
        ids = by_lang.setdefault(str(item.get("lang")), [])
        if item["id"] not in ids:
            ids.append(item["id"])
    out: list[str] = []
    queues = list(by_lang.values())
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def bench_examples(results: dict[str, Any], all_items: Sequence[dict[str, Any]], n: int) -> str:
    """``n`` detailed examples from the primary row: question, reference, answer, scores, time,
    and how every other row scored on the same item (``overall``)."""
    primary = results.get("results", [])
    by_key = {(it.get("row"), it["id"]): it for it in all_items}
    rows = [_row_label(r) for r in results.get("ablation", [])]
    out = []
    for number, item_id in enumerate(example_ids(primary, n), 1):
        item = next(it for it in primary if it["id"] == item_id)
        m = item["metrics"]
        scores = ", ".join(f"{name} {_pct(m.get(name))}" for name in ("overall", "token_f1", "key_info", "rougeL")
                           if m.get(name) is not None)
        gen_time = item.get("gen_time")
        across = ", ".join(f"{r} {_pct(by_key[(r, item_id)]['metrics'].get('overall'))}" for r in rows
                           if (r, item_id) in by_key)
        out += [f"### {number}. {item_id} ({item.get('lang')})", "", "**Question**", "", _quote(item.get("question")), "",
                "**Reference**", "", _quote(item.get("reference")), "", "**Answer**", "", _quote(item.get("prediction")), "",
                f"Scores: {scores}; generation {gen_time:.3f} s." if gen_time is not None else f"Scores: {scores}.", "",
                f"`overall` of every row on this item: {across}.", ""]
    return "\n".join(out)


def bench_markdown(results: dict[str, Any], all_items: Sequence[dict[str, Any]], n_examples: int = 20) -> str:
    """The ablation report: setup, ablation table, per-language table, the primary row's summary,
    ``n_examples`` detailed examples and the notes."""
    cfg = results.get("config", {})
    model = cfg.get("model") or {}
    rows = results.get("ablation", [])
    langs = {}
    for item in results.get("results", []):
        langs[item.get("lang")] = langs.get(item.get("lang"), 0) + 1
    lines = [
        "# Ablation: generator × retrieval depth", "",
        f"- created: {results.get('created_at')}; device: {cfg.get('device')}",
        f"- evaluation set: `{cfg.get('data')}`, seeded sample of {results.get('n')} items (seed {cfg.get('sample_seed')}; "
        + ", ".join(f"{n} {lang}" for lang, n in sorted(langs.items(), key=lambda x: str(x[0]))) + ")",
        f"- base model: `{model.get('base_model')}`; adapter run: `{model.get('run_dir')}`; prompt format: "
        f"{model.get('prompt_format')}" if model else "- no model rows",
        f"- generation: max_new_tokens {cfg.get('max_new_tokens')}, temperature {cfg.get('temperature')}, "
        f"top-p {cfg.get('top_p')}, batch {cfg.get('batch_size')}; prompt budget {cfg.get('prompt_budget_tokens')} tokens",
        f"- metrics: `{cfg.get('metrics')}` against the Alpaca `output`; means with 95 % bootstrap CIs "
        f"({cfg.get('bootstrap_resamples')} resamples) in results.json",
        "- s/answer: a batch's generation time / its size (retrieval not included); articles in prompt: "
        "retrieved articles left after fitting the prompt budget (the model's context minus max_new_tokens)",
        "", "## Ablation", "", bench_ablation_table(rows), "## By language", "", bench_lang_table(rows),
        f"## Primary row `{cfg.get('primary')}` (the `results` of results.json)", "",
        summary_markdown({"n": results.get("n"), "mean": results.get("avg_metrics", {}), "ci": results.get("ci", {}),
                          "by_lang": results.get("by_lang", {})}),
        f"## {min(n_examples, results.get('n') or 0)} examples (`{cfg.get('primary')}`)", "",
        bench_examples(results, all_items, n_examples),
    ]
    notes = results.get("notes") or []
    if notes:
        lines += ["## Notes", ""] + [f"- {note}" for note in notes] + [""]
    return "\n".join(lines)
