"""Reading a finished run directory back: what it was trained with, and the model for generation.

A run directory holds ``adapter_config.json`` + ``adapter_model.safetensors`` (peft), the
tokenizer, ``resolved_config.json`` (with ``prompt_format`` and ``base_model_path``) and, for the
tiny model, the base model itself in ``base/``. The assistant imports:

* ``read_run_info(run_dir) -> RunInfo`` — no torch import; prompt format, base model, paths;
* ``load_run(run_dir, device=None) -> LoadedRun`` — peft model (eval mode) + tokenizer;
* ``generate_answer(run, instruction, input="", max_new_tokens=256) -> str`` — greedy answer.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finetune.config import TINY, FinetuneError
from finetune.prompts import format_prompt

RESOLVED_CONFIG = "resolved_config.json"


@dataclass(frozen=True)
class RunInfo:
    """What a run was trained with (enough to format prompts and find the base model)."""

    run_dir: Path
    recipe: str
    prompt_format: str  # alpaca | chat
    base_model: str  # hub id or "tiny"
    base_model_path: str  # hub id, or a local folder (RUN/base for the tiny model)
    max_seq_length: int
    load_in_4bit: bool
    config: dict[str, Any]


def read_run_info(run_dir: str | Path) -> RunInfo:
    """Parse ``resolved_config.json``; a moved tiny run still finds its base in ``RUN/base``."""
    run_dir = Path(run_dir)
    path = run_dir / RESOLVED_CONFIG
    if not path.is_file():
        raise FinetuneError(f"{run_dir}: not a training run (no {RESOLVED_CONFIG})")
    config = json.loads(path.read_text(encoding="utf-8"))
    base_path = config.get("base_model_path") or config["base_model"]
    if config.get("base_model") == TINY or not Path(base_path).exists() and (run_dir / "base").is_dir():
        base_path = str((run_dir / "base").resolve())
    return RunInfo(
        run_dir=run_dir,
        recipe=config.get("recipe", "custom"),
        prompt_format=config["prompt_format"],
        base_model=config["base_model"],
        base_model_path=base_path,
        max_seq_length=int(config.get("max_seq_length", 2048)),
        load_in_4bit=bool(config.get("load_in_4bit", False)),
        config=config,
    )


@dataclass
class LoadedRun:
    """A run's adapter on its base model, ready to generate."""

    info: RunInfo
    model: Any
    tokenizer: Any
    device: str

    def prompt(self, instruction: str, input: str = "") -> str:
        return format_prompt(instruction, input, self.info.prompt_format, self.tokenizer)


def load_run(run_dir: str | Path, device: str | None = None) -> LoadedRun:
    """Base model (4-bit on CUDA when the run was 4-bit and bitsandbytes is present) + the run's adapter."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    info = read_run_info(run_dir)
    if not (info.run_dir / "adapter_config.json").is_file():
        raise FinetuneError(f"{info.run_dir}: no adapter_config.json (did the run finish?)")
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    kwargs: dict[str, Any] = {}
    if device == "cuda":
        kwargs["dtype"] = torch.bfloat16
        if info.load_in_4bit and info.base_model != TINY:
            try:
                from transformers import BitsAndBytesConfig

                import bitsandbytes  # noqa: F401

                kwargs["quantization_config"] = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16)
                kwargs["device_map"] = {"": 0}
            except ImportError:
                pass
    else:
        kwargs["dtype"] = torch.float32
    try:
        base = AutoModelForCausalLM.from_pretrained(info.base_model_path, **kwargs)
        model = PeftModel.from_pretrained(base, str(info.run_dir))
        tokenizer = AutoTokenizer.from_pretrained(str(info.run_dir))
    except (OSError, ValueError) as exc:
        raise FinetuneError(f"{info.run_dir}: cannot load base {info.base_model_path!r} with the adapter: {exc}") from exc
    if "device_map" not in kwargs:
        model.to(device)
    model.eval()
    return LoadedRun(info, model, tokenizer, device)


def generate_answer(run: LoadedRun, instruction: str, input: str = "", max_new_tokens: int = 256) -> str:
    """Greedy answer to one question, formatted as in training; stops at EOS / ``<|im_end|>``."""
    import torch

    prompt = run.prompt(instruction, input)
    ids = run.tokenizer(prompt, add_special_tokens=False, return_tensors="pt")["input_ids"].to(run.device)
    stop = [t for t in {run.tokenizer.eos_token_id, run.tokenizer.convert_tokens_to_ids("<|im_end|>")} if isinstance(t, int) and t >= 0]
    with torch.no_grad():
        out = run.model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            eos_token_id=stop or None,
            pad_token_id=run.tokenizer.pad_token_id,
        )
    return run.tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True).strip()
