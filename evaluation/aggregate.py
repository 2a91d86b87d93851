"""Aggregating per-item scores: means, bootstrap confidence intervals, breakdowns by language and domain.

Every scorer in this package (answers, retrieval, and the ablation later) produces *per-item
result dicts* of the shape::

    {"id": "kz-bench-001", "lang": "ru", "domain": "consumer",
     "metrics": {"token_f1": 0.33, "key_info": 1.0, "verified": None, ...}}

A metric value of None means "not defined for this item" (e.g. ``verified`` for an answer that
cites nothing); it is left out of that metric's mean rather than counted as 0. Means are plain
arithmetic means over items, as fractions in [0, 1].
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 42
DEFAULT_CONFIDENCE = 0.95


def metric_names(items: Sequence[dict[str, Any]]) -> list[str]:
    """Metric names in first-seen order across items."""
    names: dict[str, None] = {}
    for item in items:
        for name in item.get("metrics", {}):
            names.setdefault(name, None)
    return list(names)


def _matrix(items: Sequence[dict[str, Any]], names: Sequence[str]) -> np.ndarray:
    """items × metrics array of floats, NaN where a value is None or absent."""
    out = np.full((len(items), len(names)), np.nan)
    for i, item in enumerate(items):
        metrics = item.get("metrics", {})
        for j, name in enumerate(names):
            value = metrics.get(name)
            if value is not None:
                out[i, j] = float(value)
    return out


def means(items: Sequence[dict[str, Any]], names: Sequence[str] | None = None) -> dict[str, float | None]:
    """Arithmetic mean of each metric over the items where it is defined (None if nowhere)."""
    names = list(names) if names is not None else metric_names(items)
    values = _matrix(items, names)
    out: dict[str, float | None] = {}
    for j, name in enumerate(names):
        col = values[:, j]
        col = col[~np.isnan(col)]
        out[name] = float(col.sum() / len(col)) if len(col) else None
    return out


def bootstrap_ci(
    items: Sequence[dict[str, Any]],
    names: Sequence[str] | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, list[float] | None]:
    """Percentile bootstrap interval of each metric's mean: [low, high].

    Items are resampled with replacement ``n_resamples`` times from ``numpy.random.default_rng(seed)``;
    the same resamples serve every metric (paired). A resample in which a metric is undefined
    everywhere is dropped for that metric. None when the metric is undefined on all items.
    """
    names = list(names) if names is not None else metric_names(items)
    values = _matrix(items, names)
    n = len(items)
    if n == 0:
        return {name: None for name in names}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n))
    alpha = (1 - confidence) / 2
    out: dict[str, list[float] | None] = {}
    for j, name in enumerate(names):
        col = values[:, j]
        defined = ~np.isnan(col)
        if not defined.any():
            out[name] = None
            continue
        sample = np.where(defined, col, 0.0)[idx]
        counts = defined[idx].sum(axis=1)
        keep = counts > 0
        resampled = sample[keep].sum(axis=1) / counts[keep]
        low, high = np.quantile(resampled, [alpha, 1 - alpha])
        out[name] = [float(low), float(high)]
    return out


def breakdown(items: Sequence[dict[str, Any]], key: str, names: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Per value of ``item[key]`` («ru»/«kk», or a legal domain): ``{"n", "mean"}``; items lacking it go under "unknown"."""
    names = list(names) if names is not None else metric_names(items)
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(str(item.get(key) or "unknown"), []).append(item)
    return {value: {"n": len(group), "mean": means(group, names)} for value, group in sorted(groups.items())}


def aggregate(
    items: Sequence[dict[str, Any]],
    names: Sequence[str] | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = DEFAULT_CONFIDENCE,
) -> dict[str, Any]:
    """The summary of a scored run: ``{"n", "mean", "ci", "n_defined", "by_lang", "by_domain"}``.

    ``n_defined`` lists only metrics that were undefined on some items, with how many items
    their mean covers.
    """
    names = list(names) if names is not None else metric_names(items)
    values = _matrix(items, names)
    defined = (~np.isnan(values)).sum(axis=0) if len(items) else np.zeros(len(names), dtype=int)
    return {
        "n": len(items),
        "mean": means(items, names),
        "ci": bootstrap_ci(items, names, n_resamples, seed, confidence),
        "n_defined": {name: int(c) for name, c in zip(names, defined) if c < len(items)},
        "by_lang": breakdown(items, "lang", names),
        "by_domain": breakdown(items, "domain", names),
    }


def mean_of(values: Iterable[float]) -> float:
    """Plain arithmetic mean (0.0 for no values); for timings and other raw lists."""
    values = list(values)
    return float(sum(values) / len(values)) if values else 0.0
