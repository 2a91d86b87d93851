"""Shared test fixtures: where ../shared is, and skipping cleanly where it is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("KZLEGAL_SHARED", REPO.parent / "shared"))
CORPUS_SOURCE = SHARED / "corpora" / "kazakhstan-law-codes"
DATASETS = SHARED / "datasets"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"needs {path} (the shared statute texts / datasets beside the repo); absent here")
    return path


@pytest.fixture(scope="session")
def shared_corpus_source() -> Path:
    """The kazakhstan-law/codes clone in ../shared (skips where absent)."""
    return _need(CORPUS_SOURCE)


@pytest.fixture(scope="session")
def alpaca_file() -> Path:
    """../shared/datasets/kz-law-alpaca-3605.jsonl (skips where absent)."""
    return _need(DATASETS / "kz-law-alpaca-3605.jsonl")


@pytest.fixture(scope="session")
def zann_file() -> Path:
    """../shared/datasets/zann-bench-open.jsonl (skips where absent)."""
    return _need(DATASETS / "zann-bench-open.jsonl")
