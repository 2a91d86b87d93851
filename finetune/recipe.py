"""The training recipe, top to bottom: data → model → LoRA → loop → adapter + metrics + summary.

A plain PyTorch loop (torchtune style) rather than a trainer hierarchy: every step that matters
for reproducing the reference run is visible here. One optimizer step =
``gradient_accumulation_steps`` micro-batches; the loss of a step is the mean over all its label
tokens (micro-batch losses weighted by their token counts, as transformers ≥4.46 does).
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from corpora.atomic import write_json
from finetune import checkpoint as ckpt
from finetune.batching import Schedule, collate, predicted_labels, real_tokens, step_micro_batches
from finetune.config import FinetuneConfig, FinetuneError, config_dict
from finetune.data import DataReport, Sample, fingerprint, load_samples, split_samples
from finetune.modeling import (
    Backend,
    apply_lora,
    choose_backend,
    enable_gradient_checkpointing,
    load_base_hf,
    load_base_unsloth,
    non_embedding_parameters,
    parameter_counts,
    torch_dtype,
)
from finetune.prompts import Features, answer_suffix, encode_example
from finetune.summary import SUMMARY, append_metric, library_versions, loss_summary, peak_memory, read_metrics, truncate_metrics

RESOLVED_CONFIG = "resolved_config.json"
DATA_REPORT = "data_report.json"
BASE_DIR = "base"  # tiny model + tokenizer live here, so the adapter can be loaded offline


class TrainingInterrupted(FinetuneError):
    """SIGTERM/SIGINT arrived: a checkpoint was written and the run can be resumed."""

    def __init__(self, step: int, path: Path, signum: int):
        self.step, self.path, self.signum = step, path, signum
        name = signal.Signals(signum).name
        super().__init__(
            f"{name} received: checkpoint written at step {step} ({path}); "
            f"continue with: kzlegal train --output {path.parent.parent} --resume"
        )


@dataclass
class PreparedData:
    """Tokenized training and validation sets, and what validation found."""

    train: list[Features]
    valid: list[Features]
    report: DataReport
    valid_report: DataReport | None
    fingerprint: str
    languages: dict[str, int] = field(default_factory=dict)


# ----------------------------------------------------------------------------- data


def read_training_samples(cfg: FinetuneConfig) -> tuple[list[Sample], list[Sample], DataReport, DataReport | None]:
    """Load ``cfg.data`` (and ``cfg.validation_data``), split by hash when there is no validation file."""
    if not cfg.data:
        raise FinetuneError("no training data: pass --data FILE (or set data: in the recipe)")
    samples, report = load_samples(cfg.data)
    valid_report = None
    if cfg.validation_data:
        valid, valid_report = load_samples(cfg.validation_data)
        train = samples
    else:
        train, valid = split_samples(samples, cfg.validation_fraction)
    if cfg.max_samples:
        train = train[: cfg.max_samples]
    return train, valid, report, valid_report


def encode_samples(samples: list[Sample], tokenizer: Any, cfg: FinetuneConfig, report: DataReport | None) -> list[Features]:
    """Tokenize with the recipe's prompt format and loss rule; apply the over-long rule.

    Over-long rule (``overlong``): ``truncate`` cuts the token ids at ``max_seq_length`` (the
    reference behaviour; the EOS of such a sample is lost), ``drop`` removes the sample. A sample
    left without any label token (its prompt alone fills ``max_seq_length`` under answer-only loss)
    is always dropped. Every case is counted in the report with its line number."""
    suffix = answer_suffix(cfg.prompt_format, tokenizer)
    out = []
    for s in samples:
        f = encode_example(s.instruction, s.input, s.output, tokenizer, cfg.prompt_format, cfg.loss_on, cfg.max_seq_length, suffix=suffix)
        if f.truncated:
            if cfg.overlong == "drop":
                if report is not None:
                    report.add_issue("overlong_dropped", s.line, f"line {s.line}: longer than {cfg.max_seq_length} tokens, dropped")
                continue
            if report is not None:
                report.add_issue("overlong_truncated", s.line, f"line {s.line}: longer than {cfg.max_seq_length} tokens, truncated")
        if f.label_tokens < 2:
            if report is not None:
                report.add_issue("no_answer_tokens_dropped", s.line, f"line {s.line}: prompt fills max_seq_length, no answer left")
            continue
        out.append(f)
    return out


def prepare_data(cfg: FinetuneConfig, tokenizer: Any, samples: tuple | None = None) -> PreparedData:
    train_s, valid_s, report, valid_report = samples or read_training_samples(cfg)
    train = encode_samples(train_s, tokenizer, cfg, report)
    valid = encode_samples(valid_s[: cfg.eval_max_samples], tokenizer, cfg, valid_report)
    if not train:
        raise FinetuneError(f"{cfg.data}: no training sample survives the over-long rule (max_seq_length {cfg.max_seq_length})")
    langs: dict[str, int] = {}
    for s in train_s:
        langs[s.lang] = langs.get(s.lang, 0) + 1
    return PreparedData(train, valid, report, valid_report, fingerprint(train_s), langs)


# ----------------------------------------------------------------------------- run directory


def prepare_run_dir(run_dir: Path, resume: bool, overwrite: bool) -> None:
    """Refuse to reuse a run directory by accident: it must be new/empty, or ``--resume``/``--overwrite``."""
    exists = run_dir.exists() and any(run_dir.iterdir())
    if resume:
        if not (run_dir / RESOLVED_CONFIG).is_file():
            raise FinetuneError(f"--resume: {run_dir} is not a training run (no {RESOLVED_CONFIG})")
        return
    if exists and not overwrite:
        raise FinetuneError(
            f"run directory {run_dir} already exists and is not empty; "
            "pass --resume to continue it, --overwrite to replace it, or choose another --output"
        )
    if exists and overwrite:
        if not (run_dir / RESOLVED_CONFIG).is_file():
            raise FinetuneError(f"--overwrite: {run_dir} does not look like a training run (no {RESOLVED_CONFIG}); refusing to delete it")
        import shutil

        shutil.rmtree(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)


# ----------------------------------------------------------------------------- model


def build_model(cfg: FinetuneConfig, backend: Backend, run_dir: Path, resume: bool, train_samples: list[Sample]) -> tuple[Any, Any, str]:
    """(peft model, tokenizer, base model path). The tiny base is built (or, on resume, reloaded) in RUN/base."""
    import torch

    torch.manual_seed(cfg.seed)
    if cfg.is_tiny:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from finetune.tiny import build_tiny_model, train_tokenizer

        base_dir = run_dir / BASE_DIR
        if resume and base_dir.is_dir():
            tokenizer = AutoTokenizer.from_pretrained(base_dir)
            model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32, attn_implementation=cfg.attn_implementation)
        else:
            texts = [f"{s.instruction}\n{s.input}\n{s.output}" for s in train_samples]
            tokenizer = train_tokenizer(texts, cfg.tiny_vocab_size)
            model = build_tiny_model(cfg, tokenizer)
            from corpora.atomic import atomic_dir

            with atomic_dir(base_dir) as tmp:
                model.save_pretrained(tmp)
                tokenizer.save_pretrained(tmp)
        base_path = str(base_dir.resolve())
        model.to(backend.device, dtype=torch_dtype(cfg, backend.device))
        torch.manual_seed(cfg.seed)
        model = apply_lora(model, cfg)
    elif backend.name == "unsloth":
        model, tokenizer = load_base_unsloth(cfg, cfg.base_model)
        base_path = cfg.base_model
    else:
        if backend.device == "cpu":
            raise FinetuneError(
                f"recipe {cfg.recipe!r} trains {cfg.base_model}, which needs a CUDA GPU; on this machine use "
                "--dry-run, or the tiny model (configs/tiny-cpu.yaml)"
            )
        model, tokenizer = load_base_hf(cfg, backend, cfg.base_model)
        base_path = cfg.base_model
        torch.manual_seed(cfg.seed)
        model = apply_lora(model, cfg)
    # no KV cache in training: with a cache transformers ignores restarting position_ids, and
    # padding-free rows would attend across sample boundaries
    model.config.use_cache = False
    if cfg.gradient_checkpointing and backend.name != "unsloth":
        enable_gradient_checkpointing(model)
    for config in model.peft_config.values():
        config.base_model_name_or_path = base_path
    return model, tokenizer, base_path


def build_optimizer(cfg: FinetuneConfig, model: Any, backend: Backend) -> tuple[Any, str]:
    """AdamW-8bit (bitsandbytes, CUDA) as the reference, else torch AdamW; returns (optimizer, name used)."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    if cfg.optimizer == "adamw_8bit" and backend.device == "cuda":
        try:
            import bitsandbytes as bnb

            return bnb.optim.AdamW8bit(params, lr=cfg.learning_rate, weight_decay=cfg.weight_decay), "adamw_8bit"
        except ImportError:
            pass
    return torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=cfg.weight_decay), "adamw_torch"


def build_scheduler(cfg: FinetuneConfig, optimizer: Any, total_steps: int) -> tuple[Any, int]:
    import math

    from transformers import get_scheduler

    warmup = math.ceil(cfg.warmup_ratio * total_steps)
    return get_scheduler(cfg.lr_scheduler, optimizer, num_warmup_steps=warmup, num_training_steps=total_steps), warmup


# ----------------------------------------------------------------------------- signals


class StopRequest:
    """SIGTERM/SIGINT set a flag; the loop checkpoints after the current step and stops.
    A second SIGINT falls through to Python's default (KeyboardInterrupt)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def _handler(self, signum: int, frame: Any) -> None:
        if self.signum is not None and signum == signal.SIGINT:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        self.signum = signum

    def __enter__(self) -> "StopRequest":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._previous[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc: Any) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


# ----------------------------------------------------------------------------- loop


def evaluate(model: Any, features: list[Features], cfg: FinetuneConfig, pad_id: int, device: str) -> float | None:
    """Mean per-token loss over the validation features (None when there are none)."""
    import torch

    if not features:
        return None
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(features), cfg.batch_size):
            batch = collate(features[start : start + cfg.batch_size], cfg.padding_free, pad_id)
            n = predicted_labels(batch)
            if n == 0:
                continue
            out = model(**{k: v.to(device) for k, v in batch.items()}, use_cache=False)
            total += float(out.loss) * n
            count += n
    if was_training:
        model.train()
    return total / count if count else None


def train_step(model: Any, micro_batches: list[list[Features]], cfg: FinetuneConfig, pad_id: int, device: str, accelerator: Any = None) -> dict[str, float]:
    """Forward/backward over the step's micro-batches; returns loss, tokens, samples (no optimizer step)."""
    batches = [collate(mb, cfg.padding_free, pad_id) for mb in micro_batches]
    label_total = sum(predicted_labels(b) for b in batches) or 1
    loss_sum, tokens, samples = 0.0, 0, 0
    for index, batch in enumerate(batches):
        n = predicted_labels(batch)
        tokens += real_tokens(batch)
        samples += len(micro_batches[index])
        if n == 0:
            continue
        last = index == len(batches) - 1
        sync = contextlib.nullcontext() if accelerator is None or last else accelerator.no_sync(model)
        with sync:
            out = model(**{k: v.to(device) for k, v in batch.items()}, use_cache=False)
            # mean over this micro-batch's tokens, re-weighted to a mean over the whole step
            loss = out.loss * (n / label_total)
            if accelerator is None:
                loss.backward()
            else:
                accelerator.backward(loss)
        loss_sum += float(out.loss.detach()) * n
    return {"loss": loss_sum / label_total, "tokens": tokens, "samples": samples}


def _world() -> tuple[Any, int, int]:
    """(accelerator or None, rank, world size): DDP only when launched with several processes."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return None, 0, 1
    from accelerate import Accelerator

    accelerator = Accelerator()
    return accelerator, accelerator.process_index, accelerator.num_processes


def resolved_record(cfg: FinetuneConfig, base_path: str, backend: Backend, data: PreparedData, schedule: Schedule, warmup: int, optimizer_name: str) -> dict[str, Any]:
    """What goes into RUN/resolved_config.json: the recipe plus what the run resolved it to."""
    record = config_dict(cfg)
    record.update(
        {
            "base_model_path": base_path,
            "adapter_dir": ".",
            "tokenizer_dir": ".",
            "backend": backend.name,
            "optimizer_used": optimizer_name,
            "data_fingerprint": data.fingerprint,
            "train_samples": len(data.train),
            "validation_samples": len(data.valid),
            "total_steps": schedule.total_steps,
            "steps_per_epoch": schedule.steps_per_epoch,
            "warmup_steps": warmup,
        }
    )
    return record


def run_training(
    cfg: FinetuneConfig,
    run_dir: str | Path,
    resume: bool = False,
    overwrite: bool = False,
    on_step: Callable[[int, dict[str, Any]], None] | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train the recipe into ``run_dir``; returns the training summary (also written to disk).

    ``on_step(step, metrics_row)`` is called after every optimizer step (tests use it to send signals).
    Raises ``TrainingInterrupted`` after checkpointing when SIGTERM/SIGINT arrives.
    """
    import torch

    run_dir = Path(run_dir)
    accelerator, rank, world = _world()
    backend = choose_backend(cfg)
    threads = torch.get_num_threads()
    if backend.device == "cpu" and cfg.cpu_threads > 0:
        torch.set_num_threads(cfg.cpu_threads)
    try:
        return _train(cfg, run_dir, resume, overwrite, on_step, echo, accelerator, rank, world, backend)
    finally:
        torch.set_num_threads(threads)


def _train(cfg, run_dir, resume, overwrite, on_step, echo, accelerator, rank, world, backend) -> dict[str, Any]:
    """The body of ``run_training`` (threads set, backend chosen)."""
    import torch
    from tqdm.auto import tqdm

    is_main = rank == 0
    started = time.time()
    samples = read_training_samples(cfg)  # bad data fails before any run directory is made
    if is_main:
        prepare_run_dir(run_dir, resume, overwrite)
    model, tokenizer, base_path = build_model(cfg, backend, run_dir, resume, samples[0])
    data = prepare_data(cfg, tokenizer, samples)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    device = backend.device if accelerator is None else str(accelerator.device)
    for line in data.report.lines_summary():
        echo(line)

    schedule = Schedule(len(data.train), cfg.batch_size, cfg.gradient_accumulation_steps, world, cfg.epochs, cfg.max_steps)
    optimizer, optimizer_name = build_optimizer(cfg, model, backend)
    scheduler, warmup = build_scheduler(cfg, optimizer, schedule.total_steps)
    if accelerator is not None:
        model, optimizer = accelerator.prepare(model, optimizer)
    trainable, total = parameter_counts(model)
    flops_per_token = 6 * non_embedding_parameters(model)

    record = resolved_record(cfg, base_path, backend, data, schedule, warmup, optimizer_name)
    start_step, carried_time, carried_tokens, carried_samples, resumed_from = 0, 0.0, 0, 0, None
    if resume:
        previous = __import__("json").loads((run_dir / RESOLVED_CONFIG).read_text(encoding="utf-8"))
        if previous.get("data_fingerprint") != data.fingerprint:
            raise FinetuneError(f"--resume: the training data differ from the run's ({run_dir}); resume needs the same data file")
        if (run_dir / SUMMARY).is_file():
            raise FinetuneError(f"--resume: {run_dir} already finished (training_summary.json exists); start a new --output to train more")
        latest = ckpt.latest_checkpoint(run_dir)
        if latest is not None:
            state = ckpt.load_checkpoint(latest, model, optimizer, scheduler)
            start_step = state["step"]
            carried_time = state.get("train_seconds", 0.0)
            carried_tokens = state.get("tokens_seen", 0)
            carried_samples = state.get("samples_seen", 0)
            resumed_from = start_step
            echo(f"resuming from {latest} (step {start_step}/{schedule.total_steps})")
        else:
            echo(f"no checkpoint in {run_dir}; starting from step 0")
        if is_main:
            truncate_metrics(run_dir, start_step)
    if is_main:
        write_json(run_dir / RESOLVED_CONFIG, record)
        write_json(run_dir / "data_report.json", {"train": data.report.to_dict(), "validation": data.valid_report.to_dict() if data.valid_report else None, "train_languages": data.languages})

    echo(
        f"backend {backend.name} ({backend.reason}); {trainable:,} trainable of {total:,} parameters; "
        f"{len(data.train)} train / {len(data.valid)} validation samples; {schedule.total_steps} steps"
    )
    model.train()
    tokens_seen, samples_seen = carried_tokens, carried_samples
    train_seconds = carried_time
    bar = tqdm(total=schedule.total_steps, initial=start_step, desc="train", unit="step", disable=not (cfg.progress and is_main), dynamic_ncols=True)

    def state_for(step: int) -> dict[str, Any]:
        return {"train_seconds": train_seconds, "tokens_seen": tokens_seen, "samples_seen": samples_seen, "data_fingerprint": data.fingerprint, "total_steps": schedule.total_steps}

    with StopRequest() as stop:
        for step in range(start_step, schedule.total_steps):
            t0 = time.perf_counter()
            lr = scheduler.get_last_lr()[0]
            micro = [[data.train[i] for i in idx] for idx in step_micro_batches(schedule, cfg.seed, step, rank)]
            result = train_step(model, micro, cfg, pad_id, device, accelerator)
            trainable_params = [p for p in model.parameters() if p.requires_grad]
            grad_norm = float(torch.nn.utils.clip_grad_norm_(trainable_params, cfg.max_grad_norm))
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            seconds = time.perf_counter() - t0
            train_seconds += seconds
            tokens_seen += result["tokens"] * world
            samples_seen += result["samples"] * world
            done = step + 1
            row = {
                "step": done,
                "epoch": round(done / schedule.steps_per_epoch, 4),
                "loss": round(result["loss"], 6),
                "learning_rate": lr,
                "grad_norm": round(grad_norm, 6),
                "tokens_per_s": round(result["tokens"] * world / seconds, 2),
                "samples_per_s": round(result["samples"] * world / seconds, 3),
                "elapsed_s": round(train_seconds, 3),
            }
            if is_main and (done % cfg.logging_steps == 0 or done == schedule.total_steps):
                append_metric(run_dir, row)
            bar.update(1)
            bar.set_postfix(loss=f"{result['loss']:.4f}", lr=f"{lr:.2e}")
            if cfg.eval_steps and done % cfg.eval_steps == 0 and done < schedule.total_steps and is_main:
                eval_loss = evaluate(model, data.valid, cfg, pad_id, device)
                if eval_loss is not None:
                    append_metric(run_dir, {"step": done, "epoch": row["epoch"], "eval_loss": round(eval_loss, 6)})
            if on_step is not None:
                on_step(done, row)
            final = done == schedule.total_steps
            if is_main and not final and (stop.signum is not None or (cfg.save_steps and done % cfg.save_steps == 0)):
                path = ckpt.save_checkpoint(run_dir, done, _unwrap(model, accelerator), optimizer, scheduler, state_for(done), cfg.save_total_limit)
                if stop.signum is not None:
                    bar.close()
                    raise TrainingInterrupted(done, path, stop.signum)
    bar.close()

    eval_loss = evaluate(model, data.valid, cfg, pad_id, device) if is_main else None
    if not is_main:
        return {}
    if eval_loss is not None:
        append_metric(run_dir, {"step": schedule.total_steps, "epoch": round(schedule.total_steps / schedule.steps_per_epoch, 4), "eval_loss": round(eval_loss, 6)})
    save_adapter(_unwrap(model, accelerator), tokenizer, run_dir)
    steps_run = schedule.total_steps
    summary = {
        "recipe": cfg.recipe,
        **loss_summary(read_metrics(run_dir)),
        "eval_loss": round(eval_loss, 4) if eval_loss is not None else None,
        "total_steps": steps_run,
        "epochs": round(steps_run / schedule.steps_per_epoch, 4),
        "train_seconds": round(train_seconds, 2),
        "wall_seconds_this_session": round(time.time() - started, 2),
        "samples_seen": samples_seen,
        "tokens_seen": tokens_seen,
        "samples_per_s": round(samples_seen / train_seconds, 3) if train_seconds else None,
        "steps_per_s": round(steps_run / train_seconds, 4) if train_seconds else None,
        "tokens_per_s": round(tokens_seen / train_seconds, 1) if train_seconds else None,
        "total_flos": float(flops_per_token * tokens_seen),
        "flos_rule": "6 x non-embedding parameters x tokens seen (HF Trainer's estimate)",
        "trainable_parameters": trainable,
        "total_parameters": total,
        "trainable_percent": round(100.0 * trainable / total, 4),
        **peak_memory(),
        "backend": backend.name,
        "backend_reason": backend.reason,
        "device": device,
        "optimizer": optimizer_name,
        "prompt_format": cfg.prompt_format,
        "loss_on": cfg.loss_on,
        "padding_free": cfg.padding_free,
        "train_samples": len(data.train),
        "validation_samples": len(data.valid),
        "train_languages": data.languages,
        "resumed_from_step": resumed_from,
        "library_versions": library_versions(),
    }
    write_json(run_dir / SUMMARY, summary)
    return summary


def _unwrap(model: Any, accelerator: Any) -> Any:
    return model if accelerator is None else accelerator.unwrap_model(model)


def save_adapter(model: Any, tokenizer: Any, run_dir: Path) -> None:
    """adapter_config.json, adapter_model.safetensors and the tokenizer into RUN/, each file replaced atomically."""
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix=".adapter.", dir=run_dir))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        for path in tmp.iterdir():
            if path.is_file() and path.name != "README.md":  # skip peft's empty model card
                os.replace(path, run_dir / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
