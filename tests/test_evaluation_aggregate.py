"""Means, bootstrap intervals and breakdowns over per-item result dicts."""
from __future__ import annotations

import pytest

from evaluation import aggregate as ag

ITEMS = [
    {"id": "1", "lang": "ru", "domain": "labour", "metrics": {"f1": 1.0, "verified": None}},
    {"id": "2", "lang": "ru", "domain": "tax", "metrics": {"f1": 0.0, "verified": 0.5}},
    {"id": "3", "lang": "kk", "domain": None, "metrics": {"f1": 0.5, "verified": 1.0}},
]


def test_means_skip_undefined_values():
    assert ag.means(ITEMS) == {"f1": 0.5, "verified": 0.75}
    assert ag.means([{"metrics": {"x": None}}]) == {"x": None}


def test_bootstrap_is_seeded_and_brackets_the_mean():
    ci = ag.bootstrap_ci(ITEMS, n_resamples=200, seed=42)
    assert ci == ag.bootstrap_ci(ITEMS, n_resamples=200, seed=42)
    low, high = ci["f1"]
    assert 0.0 <= low <= 0.5 <= high <= 1.0 and low < high
    constant = [{"metrics": {"m": 0.25}} for _ in range(5)]
    assert ag.bootstrap_ci(constant)["m"] == [0.25, 0.25]
    assert ag.bootstrap_ci([]) == {}


def test_aggregate_layout_and_breakdowns():
    summary = ag.aggregate(ITEMS, n_resamples=50)
    assert summary["n"] == 3
    assert summary["n_defined"] == {"verified": 2}
    assert summary["by_lang"]["ru"] == {"n": 2, "mean": {"f1": 0.5, "verified": 0.5}}
    assert summary["by_lang"]["kk"]["mean"]["f1"] == 0.5
    assert set(summary["by_domain"]) == {"labour", "tax", "unknown"}
    assert summary["by_domain"]["tax"]["mean"]["f1"] == 0.0


def test_mean_of():
    assert ag.mean_of([1.0, 2.0]) == 1.5
    assert ag.mean_of([]) == 0.0


@pytest.mark.parametrize("n", [1, 2])
def test_small_samples_have_intervals(n):
    items = [{"metrics": {"m": float(i)}} for i in range(n)]
    assert ag.aggregate(items, n_resamples=20)["ci"]["m"] is not None
