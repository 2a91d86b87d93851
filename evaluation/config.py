"""The evaluation package's one config: bootstrap settings, retrieval cutoff, optional BERTScore model.

Loaded from ``configs/evaluation.yaml`` (when present) with ``key=value`` overrides from the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpora.settings import CONFIG_DIR, load_config

DEFAULT_CONFIG_FILE = CONFIG_DIR / "evaluation.yaml"


@dataclass
class EvalConfig:
    """How runs are scored and summarised."""

    bootstrap_resamples: int = 1000  # resamples for the 95 % interval of each mean
    bootstrap_seed: int = 42
    confidence: float = 0.95
    k: int = 10  # retrieval cutoff for recall@k / MRR
    # BERTScore runs only when the bert-score package is installed and this names a model
    # available locally (a directory, or a hub name already in the local cache); never downloads.
    bertscore_model: str | None = None
    bertscore_num_layers: int | None = None


def load_eval_config(path: str | Path | None = None, overrides: dict | None = None) -> EvalConfig:
    """``EvalConfig`` from ``path`` (default ``configs/evaluation.yaml`` if it exists), then overrides."""
    if path is None and DEFAULT_CONFIG_FILE.is_file():
        path = DEFAULT_CONFIG_FILE
    return load_config(EvalConfig, path, overrides)
