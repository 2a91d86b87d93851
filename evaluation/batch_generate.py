"""Batched generation for the ablation: many prompts per ``model.generate`` call, timed per answer.

The assistant's ``HFGenerator`` answers one prompt at a time (it streams); the benchmark needs
throughput, so this module reuses that generator's model loading, tokenizer and prompt
formatting (``HFGenerator.format`` → ``finetune.prompts.format_prompt``, exactly as in training)
and only adds what a batch needs: left padding, one ``generate`` call, and the reference's
sampling settings (temperature 0.1, top-p 0.9, 512 new tokens by default).

A batch's wall time is shared evenly among its answers: ``gen_time`` is seconds per answer
*amortised over the batch*, the figure that matters for serving many questions.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Sequence


@dataclass
class GenerationSettings:
    """Sampling settings; ``temperature`` 0 means greedy decoding."""

    max_new_tokens: int = 512
    temperature: float = 0.1
    top_p: float = 0.9
    seed: int = 1234


@dataclass
class Generated:
    """One answer of a batch: its text, seconds (amortised over the batch) and new-token count."""

    text: str
    gen_time: float
    new_tokens: int


def clean_answer(text: str) -> str:
    """The answer without an empty thinking block a chat model may still emit (Qwen3's «<think></think>»)."""
    for tag in ("<think>", "</think>"):
        text = text.replace(tag, "")
    return text.strip()


def _ids(value: Any) -> list[int]:
    """A token id or list of ids (generation configs use both) as a list."""
    if value is None:
        return []
    return [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)]


def generate_batch(generator: Any, prompts: Sequence[Any], settings: GenerationSettings) -> list[Generated]:
    """Answer ``prompts`` (``assistant.prompt.Prompt``) with one ``model.generate`` call.

    ``generator`` is an ``assistant.generators.hf.HFGenerator``; its model is loaded on first use.
    Sampling is seeded by ``settings.seed`` before the call, so a rerun of the same batch repeats it.
    """
    import torch

    tokenizer = generator.tokenizer
    model = generator.model()
    texts = [generator.format(p) for p in prompts]
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    saved_side = tokenizer.padding_side
    tokenizer.padding_side = "left"  # new tokens must follow every prompt directly
    try:
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(model.device)
    finally:
        tokenizer.padding_side = saved_side
    kwargs: dict[str, Any] = {"max_new_tokens": settings.max_new_tokens, "pad_token_id": pad_id}
    if settings.temperature > 0:
        kwargs.update(do_sample=True, temperature=settings.temperature, top_p=settings.top_p)
    else:
        kwargs.update(do_sample=False)
    torch.manual_seed(settings.seed)
    start = time.perf_counter()
    with torch.inference_mode():
        out = model.generate(**enc, **kwargs)
    if model.device.type == "cuda":
        torch.cuda.synchronize()
    elapsed = time.perf_counter() - start
    new = out[:, enc["input_ids"].shape[1]:]
    stop_ids = set(_ids(tokenizer.eos_token_id)) | set(_ids(pad_id))
    stop_ids |= set(_ids(getattr(getattr(model, "generation_config", None), "eos_token_id", None)))
    results = []
    for row in new.tolist():
        n = next((i for i, t in enumerate(row) if t in stop_ids), len(row))
        text = tokenizer.decode(row[:n], skip_special_tokens=True)
        results.append(Generated(clean_answer(text), elapsed / len(prompts), n))
    return results


def warm_up(generator: Any, prompt: Any) -> None:
    """One short, untimed generation right after loading, so that one-off costs (first-call kernel
    selection, allocator growth, PEFT wrappers) are not billed to the first batch's answers."""
    generate_batch(generator, [prompt], GenerationSettings(max_new_tokens=2, temperature=0.0))
