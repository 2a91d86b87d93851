"""Backends, base models and LoRA: which library trains, and the model it trains.

Backends, chosen by ``choose_backend`` unless the recipe names one:

* ``unsloth`` — CUDA and the ``unsloth`` package present, real (non-tiny) base model;
* ``hf``      — CUDA without unsloth: transformers + peft, 4-bit NF4 through bitsandbytes;
* ``cpu``     — no CUDA: transformers + peft in float32 (only sensible for the tiny model).

The trainable-parameter count of a recipe is computed on the meta device from the architecture
config alone (``count_parameters``): no weights, no GPU, no download.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from finetune.config import FinetuneConfig, FinetuneError, read_model_config


@dataclass
class Backend:
    """The chosen training stack and why (the reason goes into the summary)."""

    name: str  # unsloth | hf | cpu
    device: str  # cuda | cpu
    reason: str


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def choose_backend(cfg: FinetuneConfig) -> Backend:
    """Pick the backend: unsloth > hf (CUDA) > cpu, honouring an explicit ``backend`` key."""
    cuda = cuda_available()
    if cfg.backend == "cpu" or (cfg.backend == "auto" and not cuda):
        reason = "recipe asks for cpu" if cfg.backend == "cpu" else "no CUDA device"
        return Backend("cpu", "cpu", reason)
    if not cuda:
        raise FinetuneError(f"backend {cfg.backend!r} needs a CUDA GPU; none is visible (use backend=cpu with the tiny model)")
    if cfg.backend == "unsloth" or (cfg.backend == "auto" and not cfg.is_tiny and has_module("unsloth")):
        if not has_module("unsloth"):
            raise FinetuneError("backend 'unsloth' asked for, but unsloth is not installed (pip install 'kzlegal[gpu]')")
        return Backend("unsloth", "cuda", "CUDA and unsloth available")
    reason = "CUDA without unsloth" if not cfg.is_tiny else "tiny model on CUDA"
    return Backend("hf", "cuda", reason)


def torch_dtype(cfg: FinetuneConfig, device: str) -> Any:
    import torch

    if cfg.dtype == "auto":
        if device == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    try:
        return getattr(torch, cfg.dtype)
    except AttributeError as exc:
        raise FinetuneError(f"dtype {cfg.dtype!r} is not a torch dtype (use auto, float32, bfloat16, float16)") from exc


def lora_config(cfg: FinetuneConfig) -> Any:
    from peft import LoraConfig

    return LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        bias=cfg.lora_bias,
        target_modules=list(cfg.lora_target_modules),
        task_type="CAUSAL_LM",
    )


def architecture_config(cfg: FinetuneConfig) -> Any:
    """The transformers config of the recipe's architecture: the shipped JSON (real model) or the
    tiny config (vocabulary size from ``tiny_vocab_size``, as the tokenizer is not trained yet)."""
    from transformers import AutoConfig

    if cfg.is_tiny:
        from finetune.tiny import tiny_model_config

        class _VocabOnly:  # the tiny config reads len(tokenizer) and two token ids
            def __len__(self) -> int:
                return cfg.tiny_vocab_size

            def convert_tokens_to_ids(self, token: str) -> int:
                return 0

        return tiny_model_config(cfg, _VocabOnly())
    values = dict(read_model_config(cfg.model_config))
    model_type = values.pop("model_type", None)
    if not model_type:
        raise FinetuneError(f"model_config {cfg.model_config!r} has no model_type")
    return AutoConfig.for_model(model_type, **values)


def count_parameters(cfg: FinetuneConfig) -> dict[str, Any]:
    """Trainable (LoRA) and total parameters of the recipe, from the architecture config on the meta device."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM

    arch = architecture_config(cfg)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(arch)
    peft_model = get_peft_model(model, lora_config(cfg))
    trainable, total = peft_model.get_nb_trainable_parameters()
    return {
        "trainable_parameters": int(trainable),
        "total_parameters": int(total),
        "trainable_percent": round(100.0 * trainable / total, 4),
        "architecture": type(model).__name__,
        "hidden_size": arch.hidden_size,
        "num_hidden_layers": arch.num_hidden_layers,
        "vocab_size": arch.vocab_size,
    }


def apply_lora(model: Any, cfg: FinetuneConfig) -> Any:
    """Wrap a transformers model with the recipe's LoRA adapter (peft)."""
    from peft import get_peft_model

    return get_peft_model(model, lora_config(cfg))


def load_tokenizer(name_or_path: str) -> Any:
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(name_or_path)
    except Exception as exc:  # hub/offline/missing files: many types, one message
        raise FinetuneError(f"cannot load tokenizer {name_or_path!r}: {exc}") from exc
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    tok.padding_side = "right"
    return tok


def load_base_hf(cfg: FinetuneConfig, backend: Backend, name_or_path: str) -> tuple[Any, Any]:
    """transformers (+ bitsandbytes NF4 on CUDA) base model and tokenizer, LoRA applied."""
    import torch
    from transformers import AutoModelForCausalLM

    dtype = torch_dtype(cfg, backend.device)
    kwargs: dict[str, Any] = {"dtype": dtype, "attn_implementation": cfg.attn_implementation}
    if backend.device == "cuda" and cfg.load_in_4bit:
        if not has_module("bitsandbytes"):
            raise FinetuneError("load_in_4bit needs bitsandbytes on CUDA (pip install 'kzlegal[gpu]'), or set load_in_4bit=false")
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=dtype,
        )
        kwargs["device_map"] = {"": torch.cuda.current_device()}
    try:
        model = AutoModelForCausalLM.from_pretrained(name_or_path, **kwargs)
    except Exception as exc:
        raise FinetuneError(f"cannot load base model {name_or_path!r}: {exc}") from exc
    if backend.device == "cuda" and cfg.load_in_4bit:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.gradient_checkpointing)
    elif backend.device == "cuda":
        model.to("cuda")
    tokenizer = load_tokenizer(name_or_path)
    return model, tokenizer


def load_base_unsloth(cfg: FinetuneConfig, name_or_path: str) -> tuple[Any, Any]:
    """Unsloth's FastLanguageModel: 4-bit base and LoRA in one (as the reference run did)."""
    from unsloth import FastLanguageModel  # noqa: import-guarded by choose_backend

    model, tokenizer = FastLanguageModel.from_pretrained(
        model_name=name_or_path,
        max_seq_length=cfg.max_seq_length,
        load_in_4bit=cfg.load_in_4bit,
        dtype=None,
    )
    model = FastLanguageModel.get_peft_model(
        model,
        r=cfg.lora_r,
        target_modules=list(cfg.lora_target_modules),
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        bias=cfg.lora_bias,
        use_gradient_checkpointing="unsloth" if cfg.gradient_checkpointing else False,
        random_state=cfg.seed,
    )
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "right"
    return model, tokenizer


def enable_gradient_checkpointing(model: Any) -> None:
    """Non-reentrant checkpointing: works with frozen embeddings and LoRA without input-grad hooks."""
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if hasattr(model, "config"):
        model.config.use_cache = False


def parameter_counts(model: Any) -> tuple[int, int]:
    """(trainable, total) parameters of a live model (4-bit weights counted as peft counts them)."""
    if hasattr(model, "get_nb_trainable_parameters"):
        trainable, total = model.get_nb_trainable_parameters()
        return int(trainable), int(total)
    params = list(model.parameters())
    return sum(p.numel() for p in params if p.requires_grad), sum(p.numel() for p in params)


def non_embedding_parameters(model: Any) -> int:
    """Parameters outside the embedding matrix: the FLOPs estimate counts 6 × these × tokens (HF's rule)."""
    total = 0
    for name, p in model.named_parameters():
        if "embed_tokens" in name:
            continue
        packed_4bit = type(p).__name__ == "Params4bit"  # bitsandbytes stores two 4-bit weights per byte
        total += p.numel() * (2 if packed_4bit else 1)
    return total
