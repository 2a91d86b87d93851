"""The benchmark results JSON: what ``kzlegal bench`` writes and ``kzlegal plots bench`` reads.

One file, ``RESULTS_DIR/results.json``, shaped like the reference's ``benchmark_results_*.json``
(config, average metrics, per-item results with generation time) plus our intervals,
breakdowns and the ablation table::

    {
      "format": "kzlegal-bench/1",
      "created_at": "2026-02-01T12:00:00+00:00",
      "config": {...},                        # whatever produced the run (model, prompt, k, ...)
      "n": 100,                               # items in "results"
      "total_time": 362.5,                    # seconds of generation over "results" (null if untimed)
      "avg_time_per_sample": 3.625,
      "avg_metrics": {"token_f1": 0.2671, ...},          # plain means over items, fractions 0..1
      "ci": {"token_f1": [0.23, 0.30], ...},             # bootstrap 95 % (1,000 resamples, seed 42)
      "n_defined": {"verified": 71},                     # only metrics undefined on some items
      "by_lang": {"ru": {"n": 60, "mean": {...}}, "kk": {...}},
      "by_domain": {"labour": {"n": 12, "mean": {...}}, ...},
      "notes": ["bertscore_f1 skipped: ..."],
      "results": [                            # per item, of the primary configuration
        {"id": "17", "lang": "ru", "domain": "tax", "question": "...", "reference": "...",
         "prediction": "...", "gen_time": 3.1, "metrics": {"token_f1": 0.917, ...}}
      ],
      "ablation": [                           # one row per (generator, retrieval_k) configuration
        {"generator": "base", "retrieval_k": 0, "n": 100,
         "token_f1": 0.21, "key_info": 0.70, ...,        # that configuration's mean metrics
         "ci": {"token_f1": [0.18, 0.24], ...}}          # optional
      ]
    }

``results`` items are exactly the per-item result dicts of :mod:`evaluation.aggregate`, so the
same functions score, aggregate and plot a single run and every ablation row.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from corpora.atomic import write_json
from corpora.errors import KzlegalError
from evaluation.aggregate import aggregate, mean_of

RESULTS_FORMAT = "kzlegal-bench/1"
RESULTS_FILE = "results.json"
ROW_KEYS = ("generator", "retrieval_k", "n", "ci")


def ablation_row(generator: str, retrieval_k: int, items: Sequence[dict[str, Any]], names: Sequence[str] | None = None,
                 n_resamples: int = 1000, seed: int = 42, with_ci: bool = True) -> dict[str, Any]:
    """One ablation row from that configuration's per-item results: its mean metrics (and CIs)."""
    summary = aggregate(items, names, n_resamples=n_resamples, seed=seed)
    row: dict[str, Any] = {"generator": generator, "retrieval_k": retrieval_k, "n": summary["n"]}
    row.update(summary["mean"])
    if with_ci:
        row["ci"] = summary["ci"]
    return row


def build_results(config: dict[str, Any], items: Sequence[dict[str, Any]], ablation: Sequence[dict[str, Any]] = (),
                  names: Sequence[str] | None = None, notes: Sequence[str] = (), n_resamples: int = 1000,
                  seed: int = 42) -> dict[str, Any]:
    """The results JSON (see the module docstring) from the primary run's per-item results and ablation rows."""
    summary = aggregate(items, names, n_resamples=n_resamples, seed=seed)
    times = [it["gen_time"] for it in items if it.get("gen_time") is not None]
    total = float(sum(times)) if times else None
    return {
        "format": RESULTS_FORMAT,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "config": dict(config),
        "n": summary["n"],
        "total_time": total,
        "avg_time_per_sample": mean_of(times) if times else None,
        "avg_metrics": summary["mean"],
        "ci": summary["ci"],
        "n_defined": summary["n_defined"],
        "by_lang": summary["by_lang"],
        "by_domain": summary["by_domain"],
        "notes": list(notes),
        "results": list(items),
        "ablation": list(ablation),
    }


def write_results(results_dir: str | Path, results: dict[str, Any]) -> Path:
    """Write ``results.json`` into ``results_dir`` atomically; returns its path."""
    path = Path(results_dir) / RESULTS_FILE
    write_json(path, results)
    return path


def row_metrics(row: dict[str, Any]) -> dict[str, float]:
    """The metric columns of an ablation row (everything but generator, retrieval_k, n, ci)."""
    return {k: v for k, v in row.items() if k not in ROW_KEYS and isinstance(v, (int, float)) and not isinstance(v, bool)}


def load_results(path: str | Path) -> dict[str, Any]:
    """Read and check a results JSON; a file of another shape is a :class:`KzlegalError` naming the field."""
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    if not path.is_file():
        raise KzlegalError(f"{path}: no results file (expected {RESULTS_FILE} written by `kzlegal bench`)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise KzlegalError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise KzlegalError(f"{path}: expected a JSON object at the top level")
    if data.get("format") != RESULTS_FORMAT:
        raise KzlegalError(f"{path}: field 'format' is {data.get('format')!r}, expected {RESULTS_FORMAT!r}")
    for field, kind in (("avg_metrics", dict), ("results", list), ("ablation", list)):
        if not isinstance(data.get(field, kind()), kind):
            raise KzlegalError(f"{path}: field {field!r} must be a {kind.__name__}")
    for i, item in enumerate(data.get("results", [])):
        if not isinstance(item, dict) or not isinstance(item.get("metrics"), dict):
            raise KzlegalError(f"{path}: results[{i}] must be an object with a 'metrics' object")
    for i, row in enumerate(data.get("ablation", [])):
        if not isinstance(row, dict) or "generator" not in row or "retrieval_k" not in row:
            raise KzlegalError(f"{path}: ablation[{i}] must be an object with 'generator' and 'retrieval_k'")
    return data
