"""The evaluation package's one config: bootstrap settings, retrieval cutoff, optional BERTScore model,
and the ablation run by ``kzlegal bench`` (sample, rows, generation settings, output directory).

Loaded from ``configs/evaluation.yaml`` (when present) with ``key=value`` overrides from the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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
    # --- `kzlegal bench`: the generator × retrieval ablation (configs/bench/*.yaml) ---
    data: str = "../shared/datasets/kz-law-alpaca-3605.jsonl"  # Alpaca JSONL: instruction, input, output
    sample_size: int = 32  # items drawn once (seeded), the same for every row; half Russian, half Kazakh
    sample_seed: int = 42
    generators: list[str] = field(default_factory=lambda: ["base", "finetuned", "extractive"])
    retrieval_ks: list[int] = field(default_factory=lambda: [0, 1, 3, 5])  # 0 = no retrieval
    adapter: str | None = "runs/tiny-cpu"  # a `kzlegal train` run dir: adapter, recipe, (tiny) base model
    base_model: str | None = None  # None: the run's base model; else a model dir / hub id in the local cache
    train_if_missing: bool = False  # train the adapter run with train_config when it is absent
    train_config: str = "configs/tiny-cpu.yaml"
    metrics: str = "all"  # seed | all (evaluation.scoring.METRIC_SETS)
    max_new_tokens: int = 512  # the reference's generation settings
    temperature: float = 0.1
    top_p: float = 0.9
    batch_size: int = 8  # prompts per model.generate call
    generation_seed: int = 1234
    prompt_budget_tokens: int = 3000  # system prompt + question + retrieved articles (assistant.prompt)
    device: str = "auto"  # auto | cpu | cuda
    load_in_4bit: bool = True  # NF4 on CUDA when bitsandbytes is installed
    index_dir: str | None = None  # None: $KZLEGAL_HOME/index
    store_dir: str | None = None  # None: the store the index was built from
    results_dir: str = ".kzlegal/bench/ablation"
    primary: str = "finetuned:0"  # the row whose per-item results fill "results" (the reference's setup)
    report_examples: int = 20


def load_eval_config(path: str | Path | None = None, overrides: dict | None = None) -> EvalConfig:
    """``EvalConfig`` from ``path`` (default ``configs/evaluation.yaml`` if it exists), then overrides."""
    if path is None and DEFAULT_CONFIG_FILE.is_file():
        path = DEFAULT_CONFIG_FILE
    return load_config(EvalConfig, path, overrides)
