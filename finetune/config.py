"""The one fine-tuning config: a recipe (configs/seed.yaml, recommended.yaml, tiny-cpu.yaml) as a dataclass.

Every value a run depends on lives here, so that the resolved config written into a run
directory is enough to rebuild the model, the data order and the schedule on ``--resume``,
and enough for the assistant to format prompts exactly as in training.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from corpora.errors import KzlegalError
from corpora.settings import config_to_dict, load_config

#: Architecture configs shipped with the package (no hub access needed for dry runs / bench).
MODEL_CONFIG_DIR = Path(__file__).resolve().parent / "model_configs"

#: The seven linear projections of a Qwen3 decoder layer that LoRA adapts.
ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

#: ``base_model`` value meaning "build a tiny Qwen3-architecture model locally".
TINY = "tiny"

PROMPT_FORMATS = ("alpaca", "chat")
LOSS_ON = ("all", "answer")
OVERLONG_RULES = ("truncate", "drop")
BACKENDS = ("auto", "unsloth", "hf", "cpu")
OPTIMIZERS = ("adamw_8bit", "adamw_torch")
SCHEDULERS = ("linear", "cosine", "constant_with_warmup")


class FinetuneError(KzlegalError):
    """A recipe, a data file or a run directory that cannot be used as asked."""


@dataclass
class FinetuneConfig:
    """A training recipe. Defaults are the reference (``seed``) run; YAML files override them."""

    recipe: str = "custom"
    description: str = ""
    # --- model
    base_model: str = "unsloth/Qwen3-8B-unsloth-bnb-4bit"
    model_config: str = "qwen3-8b"  # shipped architecture (finetune/model_configs/NAME.json or a path)
    load_in_4bit: bool = True  # NF4 via bitsandbytes/unsloth; ignored on CPU
    dtype: str = "auto"  # auto: bfloat16 on CUDA, float32 on CPU
    backend: str = "auto"  # auto | unsloth | hf | cpu
    max_seq_length: int = 2048
    attn_implementation: str = "sdpa"
    cpu_threads: int = 0  # torch intra-op threads on CPU (0: torch's default)
    # --- tiny model (base_model: tiny): built from this config, random init, BPE trained on the data
    tiny_hidden_size: int = 64
    tiny_num_layers: int = 2
    tiny_num_heads: int = 4
    tiny_num_kv_heads: int = 2
    tiny_intermediate_size: int = 128
    tiny_vocab_size: int = 2000
    tiny_initializer_range: float = 0.02
    # --- LoRA
    lora_r: int = 16
    lora_alpha: int = 16
    lora_dropout: float = 0.0
    lora_bias: str = "none"
    lora_target_modules: list[str] = field(default_factory=lambda: list(ALL_LINEAR))
    # --- data
    data: Optional[str] = None
    validation_data: Optional[str] = None
    validation_fraction: float = 0.1  # hash-based split when no validation file is given
    max_samples: Optional[int] = None  # cap on training samples (after the split), for quick runs
    eval_max_samples: int = 200  # validation loss is measured on at most this many samples
    overlong: str = "truncate"  # truncate: cut token ids at max_seq_length; drop: remove the sample
    prompt_format: str = "alpaca"  # alpaca | chat
    loss_on: str = "all"  # all: whole sequence; answer: answer tokens (+ end token) only
    padding_free: bool = False  # concatenate a micro-batch into one row, positions restart per sample
    # --- optimisation
    batch_size: int = 2
    gradient_accumulation_steps: int = 4
    epochs: int = 3
    max_steps: int = -1  # > 0 caps the number of optimizer steps
    learning_rate: float = 2e-4
    optimizer: str = "adamw_8bit"  # falls back to adamw_torch (and says so) without bitsandbytes+CUDA
    lr_scheduler: str = "linear"
    warmup_ratio: float = 0.03
    weight_decay: float = 0.001
    max_grad_norm: float = 1.0
    seed: int = 3407
    gradient_checkpointing: bool = True
    # --- run
    output_dir: Optional[str] = None
    logging_steps: int = 1
    save_steps: int = 500  # checkpoint every N optimizer steps (0: only on SIGTERM/SIGINT)
    save_total_limit: int = 2
    eval_steps: int = 0  # validation loss every N steps (0: only at the end)
    progress: bool = True

    @property
    def is_tiny(self) -> bool:
        return self.base_model == TINY

    @property
    def effective_batch_size(self) -> int:
        return self.batch_size * self.gradient_accumulation_steps


#: Keys a ``--resume`` may change: they do not affect the data order, model or schedule.
RESUME_SAFE_KEYS = {"save_steps", "save_total_limit", "logging_steps", "progress", "output_dir", "eval_steps", "description"}


def validate_config(cfg: FinetuneConfig, origin: str = "config") -> FinetuneConfig:
    """Refuse values the trainer cannot honour, naming the key."""
    choices = {
        "prompt_format": PROMPT_FORMATS,
        "loss_on": LOSS_ON,
        "overlong": OVERLONG_RULES,
        "backend": BACKENDS,
        "optimizer": OPTIMIZERS,
        "lr_scheduler": SCHEDULERS,
    }
    for key, allowed in choices.items():
        if getattr(cfg, key) not in allowed:
            raise FinetuneError(f"{origin}: {key} must be one of {', '.join(allowed)}; got {getattr(cfg, key)!r}")
    positive = ["max_seq_length", "lora_r", "lora_alpha", "batch_size", "gradient_accumulation_steps", "epochs", "logging_steps"]
    for key in positive:
        if getattr(cfg, key) <= 0:
            raise FinetuneError(f"{origin}: {key} must be positive; got {getattr(cfg, key)!r}")
    if not 0.0 <= cfg.validation_fraction < 1.0:
        raise FinetuneError(f"{origin}: validation_fraction must be in [0, 1); got {cfg.validation_fraction}")
    if cfg.lora_bias not in ("none", "all", "lora_only"):
        raise FinetuneError(f"{origin}: lora_bias must be none, all or lora_only; got {cfg.lora_bias!r}")
    unknown = [m for m in cfg.lora_target_modules if m not in ALL_LINEAR]
    if unknown:
        raise FinetuneError(f"{origin}: lora_target_modules has unknown projections {unknown} (known: {ALL_LINEAR})")
    return cfg


def load_finetune_config(path: str | Path | None, overrides: dict[str, Any] | None = None) -> FinetuneConfig:
    """A recipe from YAML plus ``key=value`` overrides, checked."""
    cfg = load_config(FinetuneConfig, path, overrides)
    return validate_config(cfg, str(path) if path else "config")


def config_from_dict(data: dict[str, Any], origin: str) -> FinetuneConfig:
    """Rebuild a config from a run directory's ``resolved_config.json`` (extra keys ignored)."""
    known = {k: v for k, v in data.items() if k in FinetuneConfig.__dataclass_fields__}
    return validate_config(FinetuneConfig(**known), origin)


def config_dict(cfg: FinetuneConfig) -> dict[str, Any]:
    return config_to_dict(cfg)


def model_config_path(name_or_path: str) -> Path:
    """``qwen3-8b`` → the shipped JSON; anything else is a path to a config.json."""
    candidate = MODEL_CONFIG_DIR / f"{name_or_path}.json"
    if candidate.is_file():
        return candidate
    path = Path(name_or_path)
    if path.is_dir():
        path = path / "config.json"
    if not path.is_file():
        shipped = ", ".join(sorted(p.stem for p in MODEL_CONFIG_DIR.glob("*.json")))
        raise FinetuneError(f"model_config {name_or_path!r}: neither a shipped config ({shipped}) nor a config.json path")
    return path


def read_model_config(name_or_path: str) -> dict[str, Any]:
    """The architecture values (hidden_size, num_hidden_layers, ...) as a dict."""
    path = model_config_path(name_or_path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FinetuneError(f"{path}: not valid JSON: {exc}") from exc
