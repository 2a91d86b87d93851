"""``kzlegal train`` and ``kzlegal export``: thin click wrappers over finetune.recipe / finetune.export."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from corpora.settings import home_dir, parse_overrides
from finetune.config import (
    RESUME_SAFE_KEYS,
    FinetuneConfig,
    FinetuneError,
    config_dict,
    config_from_dict,
    load_finetune_config,
    validate_config,
)


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


def resolve_config(config: str | None, data: str | None, validation_data: str | None, output: str | None, overrides: tuple[str, ...]) -> FinetuneConfig:
    """Recipe file + ``key=value`` overrides + the --data/--output options, paths made absolute."""
    extra = parse_overrides(overrides)
    if data:
        extra["data"] = data
    if validation_data:
        extra["validation_data"] = validation_data
    if output:
        extra["output_dir"] = output
    cfg = load_finetune_config(config, extra)
    for key in ("data", "validation_data"):
        value = getattr(cfg, key)
        if value and not value.startswith("hf:"):
            setattr(cfg, key, str(Path(value).resolve()))
    return cfg


def resume_config(run_dir: Path, config: str | None, data: str | None, validation_data: str | None, overrides: tuple[str, ...]) -> FinetuneConfig:
    """The run's own resolved config, with harmless overrides (save_steps, progress, ...) applied.

    A --config or override that would change the model, data order or schedule is refused."""
    from finetune.recipe import RESOLVED_CONFIG

    path = run_dir / RESOLVED_CONFIG
    if not path.is_file():
        raise FinetuneError(f"--resume: {run_dir} is not a training run (no {RESOLVED_CONFIG})")
    saved = config_from_dict(json.loads(path.read_text(encoding="utf-8")), str(path))
    if config:
        requested = resolve_config(config, data, validation_data, str(run_dir), overrides)
    else:
        base = {k: v for k, v in config_dict(saved).items()}
        extra = parse_overrides(overrides)
        if data:
            extra["data"] = str(Path(data).resolve())
        if validation_data:
            extra["validation_data"] = str(Path(validation_data).resolve())
        requested = load_finetune_config(None, {**base, **extra})
    mine, theirs = config_dict(saved), config_dict(requested)
    changed = [k for k in mine if k not in RESUME_SAFE_KEYS and mine[k] != theirs[k]]
    if changed:
        detail = "; ".join(f"{k}: run has {mine[k]!r}, asked {theirs[k]!r}" for k in changed)
        raise FinetuneError(f"--resume: settings differ from the run's ({detail}); resume with the same recipe or start a new --output")
    for key in RESUME_SAFE_KEYS - {"output_dir"}:
        setattr(saved, key, getattr(requested, key))
    saved.output_dir = str(run_dir)
    return validate_config(saved)


def dry_run_record(cfg: FinetuneConfig) -> dict:
    """The resolved recipe, the chosen backend and the parameter counts from the architecture config."""
    from finetune.batching import Schedule
    from finetune.modeling import choose_backend, count_parameters

    counts = count_parameters(cfg)
    try:
        backend = choose_backend(cfg)
        backend_info = {"name": backend.name, "device": backend.device, "reason": backend.reason}
        if backend.device == "cpu" and not cfg.is_tiny:
            backend_info["note"] = f"training {cfg.base_model} needs a CUDA GPU; this machine can only dry-run it"
    except FinetuneError as exc:
        backend_info = {"name": None, "error": str(exc)}
    record = {
        "recipe": cfg.recipe,
        "config": config_dict(cfg),
        "model": {k: v for k, v in counts.items() if k not in ("trainable_parameters", "total_parameters", "trainable_percent")},
        "trainable_parameters": counts["trainable_parameters"],
        "total_parameters": counts["total_parameters"],
        "trainable_percent": counts["trainable_percent"],
        "effective_batch_size": cfg.effective_batch_size,
        "backend": backend_info,
    }
    if cfg.data:
        from finetune.recipe import read_training_samples

        train, valid, report, _ = read_training_samples(cfg)
        schedule = Schedule(len(train), cfg.batch_size, cfg.gradient_accumulation_steps, 1, cfg.epochs, cfg.max_steps)
        record["data"] = {
            "train_samples": len(train),
            "validation_samples": len(valid),
            "issues": {k: v.count for k, v in report.issues.items()},
            "languages": report.languages,
            "steps_per_epoch": schedule.steps_per_epoch,
            "total_steps": schedule.total_steps,
        }
    return record


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config", type=click.Path(dir_okay=False), help="Recipe YAML (configs/seed.yaml, recommended.yaml, tiny-cpu.yaml).")
@click.option("--data", type=str, help="Training data: Alpaca JSONL, a datasets folder, or hf:NAME[:SPLIT].")
@click.option("--validation-data", type=str, help="Validation data (else a stable hash split of --data).")
@click.option("--output", type=click.Path(file_okay=False), help="Run directory (default $KZLEGAL_HOME/runs/RECIPE-TIME).")
@click.option("--resume", is_flag=True, help="Continue the run in --output from its last checkpoint.")
@click.option("--overwrite", is_flag=True, help="Replace an existing run directory.")
@click.option("--dry-run", is_flag=True, help="Resolve the recipe and count parameters on the meta device; train nothing.")
@click.option("--validate-only", is_flag=True, help="Validate the data and print the report; train nothing.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.argument("overrides", nargs=-1)
def train(config, data, validation_data, output, resume, overwrite, dry_run, validate_only, as_json, overrides):
    """Train a LoRA adapter from a recipe. KEY=VALUE pairs override recipe keys (e.g. max_steps=20)."""
    if resume and (dry_run or validate_only):
        raise FinetuneError("--resume cannot be combined with --dry-run or --validate-only")
    requested = None if resume else resolve_config(config, data, validation_data, output, overrides)
    if dry_run:
        record = dry_run_record(requested)
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            click.echo(f"recipe {record['recipe']}: {record['model']['architecture']}, "
                       f"{record['trainable_parameters']:,} trainable / {record['total_parameters']:,} ({record['trainable_percent']}%)")
            click.echo(f"backend: {record['backend']}")
        return
    if validate_only:
        from finetune.data import load_samples

        if not requested.data:
            raise FinetuneError("--validate-only needs --data")
        _, report = load_samples(requested.data)
        if as_json:
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo("\n".join(report.lines_summary()))
        return

    from finetune.recipe import TrainingInterrupted, run_training

    if resume:
        if not output:
            raise FinetuneError("--resume needs --output RUN_DIR (the run to continue)")
        cfg = resume_config(Path(output), config, data, validation_data, overrides)
        run_dir = Path(output)
    else:
        cfg = requested
        run_dir = Path(cfg.output_dir) if cfg.output_dir else home_dir() / "runs" / f"{cfg.recipe}-{time.strftime('%Y%m%d-%H%M%S')}"
        cfg.output_dir = str(run_dir)
    try:
        summary = run_training(cfg, run_dir, resume=resume, overwrite=overwrite, echo=_echo_err)
    except TrainingInterrupted as exc:
        click.echo(f"interrupted: {exc}", err=True)
        sys.exit(128 + exc.signum)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(
            f"done: {run_dir}  loss {summary.get('initial_loss')} → {summary.get('final_loss')} "
            f"({summary.get('loss_reduction_percent')}%), {summary['total_steps']} steps in {summary['train_seconds']}s, "
            f"{summary['samples_per_s']} samples/s, backend {summary['backend']}"
        )


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(["merged-16bit", "gguf"]), default="merged-16bit", show_default=True)
@click.option("--output", type=click.Path(file_okay=False), help="Where to write (default RUN_DIR/export-FORMAT).")
@click.option("--base", type=str, help="16-bit base model to merge into (default: the run's base; a 4-bit base maps to its 16-bit original).")
@click.option("--quantization", default="q8_0", show_default=True, help="GGUF output type passed to llama.cpp's converter (f16, bf16, q8_0).")
@click.option("--llama-cpp", "llama_cpp", type=click.Path(file_okay=False), help="llama.cpp checkout (for convert_hf_to_gguf.py); else $LLAMA_CPP_DIR.")
def export(run_dir, fmt, output, base, quantization, llama_cpp):
    """Merge a run's adapter into its base for serving: merged-16bit (vLLM, transformers) or gguf (llama.cpp)."""
    from finetune.export import export_run

    target = export_run(Path(run_dir), fmt, Path(output) if output else None, base=base, quantization=quantization, llama_cpp=llama_cpp, echo=_echo_err)
    click.echo(str(target))
