"""Training throughput of the ``seed`` and ``recommended`` recipes, side by side, same model and data.

    python bench/train_throughput.py [--data FILE] [--steps 20] [--device auto|cpu|cuda] [--output results/train_throughput.json]

What is compared: each recipe's own batching (seed: Alpaca prompt, whole-sequence loss, padded
batches of 2 × 4 accumulation; recommended: chat template, answer-only loss, padding-free rows
of 8), gradient checkpointing and optimizer, on one model:

* CPU: the ``tiny-cpu`` architecture (random init), sequences capped at its max_seq_length;
* CUDA: the real Qwen3-8B architecture from finetune/model_configs/qwen3-8b.json, initialised
  randomly (weights cannot be downloaded here; speed does not depend on them), 4-bit NF4 through
  bitsandbytes when the recipe asks for it (a random bf16 checkpoint is written once to --cache).

Token ids come from a BPE tokenizer trained on the data (the real Qwen3 tokenizer cannot be
downloaded), so tokens/s counts those tokens. Each recipe runs in its own subprocess so that peak
memory (GPU allocated, or CPU RSS) belongs to that recipe alone. Prints a table, writes JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "datasets" / "kz-law-alpaca-3605.jsonl"


def build(recipe: str, device: str, data: str, cache: Path, samples: int):
    """(model, tokenizer, cfg, features) for one recipe on the benchmark model."""
    import torch

    from finetune.config import load_finetune_config
    from finetune.data import load_samples
    from finetune.modeling import apply_lora, enable_gradient_checkpointing, has_module
    from finetune.recipe import encode_samples
    from finetune.tiny import build_tiny_model, train_tokenizer

    tiny = load_finetune_config(REPO / "configs" / "tiny-cpu.yaml")
    cfg = load_finetune_config(REPO / "configs" / f"{recipe}.yaml")
    rows, _ = load_samples(data)
    rows = rows[:samples]
    torch.manual_seed(0)
    tokenizer = train_tokenizer([f"{s.instruction}\n{s.input}\n{s.output}" for s in rows], tiny.tiny_vocab_size)
    if device == "cpu":
        cfg.max_seq_length = min(cfg.max_seq_length, tiny.max_seq_length)
        for key in ("tiny_hidden_size", "tiny_num_layers", "tiny_num_heads", "tiny_num_kv_heads", "tiny_intermediate_size", "tiny_initializer_range", "cpu_threads"):
            setattr(cfg, key, getattr(tiny, key))
        model = build_tiny_model(cfg, tokenizer)
        if cfg.cpu_threads:
            torch.set_num_threads(cfg.cpu_threads)
    else:
        model = qwen3_8b_random(cfg, cache, has_module("bitsandbytes"))
    model = apply_lora(model, cfg)
    model.config.use_cache = False
    if cfg.gradient_checkpointing:
        enable_gradient_checkpointing(model)
    features = encode_samples(rows, tokenizer, cfg, None)
    return model, tokenizer, cfg, features


def qwen3_8b_random(cfg, cache: Path, bnb: bool):
    """Qwen3-8B from the shipped config with random weights, on CUDA (4-bit via a cached random checkpoint)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    from finetune.config import read_model_config

    values = dict(read_model_config(cfg.model_config))
    arch = AutoConfig.for_model(values.pop("model_type"), **values)
    if not (cfg.load_in_4bit and bnb):
        with torch.device("cuda"):
            return AutoModelForCausalLM.from_config(arch, dtype=torch.bfloat16)
    from peft import prepare_model_for_kbit_training
    from transformers import BitsAndBytesConfig

    folder = cache / "qwen3-8b-random-bf16"
    if not (folder / "config.json").is_file():
        with torch.device("cuda"):
            model = AutoModelForCausalLM.from_config(arch, dtype=torch.bfloat16)
        model.save_pretrained(folder)
        del model
        torch.cuda.empty_cache()
    quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=torch.bfloat16)
    model = AutoModelForCausalLM.from_pretrained(folder, quantization_config=quant, dtype=torch.bfloat16, device_map={"": 0})
    return prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.gradient_checkpointing)


def measure(recipe: str, device: str, data: str, steps: int, warmup: int, cache: Path, samples: int) -> dict:
    """Run ``warmup`` + ``steps`` optimizer steps of one recipe; throughput over the timed steps."""
    import torch

    from finetune.batching import Schedule, step_micro_batches
    from finetune.modeling import Backend
    from finetune.recipe import build_optimizer, train_step
    from finetune.summary import peak_memory

    model, tokenizer, cfg, features = build(recipe, device, data, cache, samples)
    model.to(device) if device == "cpu" else None
    optimizer, optimizer_name = build_optimizer(cfg, model, Backend("hf" if device == "cuda" else "cpu", device, "bench"))
    schedule = Schedule(len(features), cfg.batch_size, cfg.gradient_accumulation_steps, 1, 1000, -1)
    pad_id = tokenizer.pad_token_id
    totals = {"samples": 0, "tokens": 0, "seconds": 0.0}
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    model.train()
    for step in range(warmup + steps):
        micro = [[features[i] for i in idx] for idx in step_micro_batches(schedule, cfg.seed, step)]
        if device == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        result = train_step(model, micro, cfg, pad_id, device)
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], cfg.max_grad_norm)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device == "cuda":
            torch.cuda.synchronize()
        if step >= warmup:
            totals["seconds"] += time.perf_counter() - t0
            totals["samples"] += result["samples"]
            totals["tokens"] += result["tokens"]
    return {
        "recipe": recipe,
        "device": device,
        "model": "tiny-cpu architecture" if device == "cpu" else "Qwen3-8B architecture (random init)",
        "prompt_format": cfg.prompt_format,
        "loss_on": cfg.loss_on,
        "padding_free": cfg.padding_free,
        "batch": f"{cfg.batch_size} x {cfg.gradient_accumulation_steps}",
        "max_seq_length": cfg.max_seq_length,
        "gradient_checkpointing": cfg.gradient_checkpointing,
        "optimizer": optimizer_name,
        "timed_steps": steps,
        "samples_per_s": round(totals["samples"] / totals["seconds"], 2),
        "tokens_per_s": round(totals["tokens"] / totals["seconds"], 1),
        "seconds_per_step": round(totals["seconds"] / steps, 4),
        **peak_memory(),
    }


def table(rows: list[dict]) -> str:
    head = f"{'recipe':<12} {'device':<6} {'batch':<7} {'format':<7} {'loss':<7} {'padfree':<8} {'samples/s':>10} {'tokens/s':>10} {'s/step':>8} {'peak GPU GB':>12} {'peak RSS MB':>12}"
    lines = [head, "-" * len(head)]
    for r in rows:
        gpu = "-" if r["peak_gpu_memory_gb"] is None else f"{r['peak_gpu_memory_gb']:.2f}"
        lines.append(
            f"{r['recipe']:<12} {r['device']:<6} {r['batch']:<7} {r['prompt_format']:<7} {r['loss_on']:<7} {str(r['padding_free']):<8} "
            f"{r['samples_per_s']:>10.2f} {r['tokens_per_s']:>10.1f} {r['seconds_per_step']:>8.3f} {gpu:>12} {r['peak_cpu_rss_mb']:>12.0f}"
        )
    if len(rows) == 2 and rows[0]["samples_per_s"]:
        lines.append(f"{rows[1]['recipe']} / {rows[0]['recipe']} samples/s: {rows[1]['samples_per_s'] / rows[0]['samples_per_s']:.2f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--steps", type=int, default=20, help="timed optimizer steps per recipe")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--samples", type=int, default=2000, help="samples drawn from the data file")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--recipes", default="seed,recommended")
    parser.add_argument("--cache", default=str(REPO / ".kzlegal" / "bench-cache"))
    parser.add_argument("--output", default=str(REPO / "results" / "train_throughput.json"))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one recipe, print JSON
    args = parser.parse_args()

    if args.device == "auto":
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.one:
        print(json.dumps(measure(args.one, args.device, args.data, args.steps, args.warmup, Path(args.cache), args.samples)))
        return
    if not Path(args.data).is_file():
        sys.exit(f"error: data file not found: {args.data}")
    rows = []
    for recipe in args.recipes.split(","):
        cmd = [sys.executable, __file__, "--one", recipe, "--device", args.device, "--data", args.data, "--steps", str(args.steps),
               "--warmup", str(args.warmup), "--samples", str(args.samples), "--cache", args.cache]
        print(f"measuring {recipe} on {args.device} ...", file=sys.stderr)
        out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
        if out.returncode != 0:
            sys.exit(f"error: {recipe} failed:\n{out.stderr[-2000:]}")
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(table(rows))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    from corpora.atomic import write_json

    write_json(output, {"command": " ".join(sys.argv), "rows": rows, "when": time.strftime("%Y-%m-%d %H:%M:%S")})
    print(f"wrote {output}", file=sys.stderr)


if __name__ == "__main__":
    main()
