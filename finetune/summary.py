"""The numbers a run reports: ``metrics.jsonl`` rows, ``training_summary.json``, library versions, memory."""
from __future__ import annotations

import json
import platform
import resource
from importlib import metadata
from pathlib import Path
from typing import Any

from corpora.atomic import write_text

METRICS = "metrics.jsonl"
SUMMARY = "training_summary.json"

LIBRARIES = ("torch", "transformers", "peft", "trl", "accelerate", "tokenizers", "datasets", "safetensors", "unsloth", "bitsandbytes")


def library_versions() -> dict[str, str | None]:
    """Installed versions of the training libraries (None where absent)."""
    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def peak_memory() -> dict[str, float | None]:
    """Peak GPU memory allocated by torch (GB; None without CUDA) and peak process RSS (MB)."""
    import torch

    gpu = None
    if torch.cuda.is_available():
        gpu = round(torch.cuda.max_memory_allocated() / 1024**3, 3)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    return {"peak_gpu_memory_gb": gpu, "peak_cpu_rss_mb": round(rss_mb, 1)}


def read_metrics(run_dir: Path) -> list[dict[str, Any]]:
    """All rows of ``metrics.jsonl`` (training rows have ``loss``; evaluation rows ``eval_loss``)."""
    path = Path(run_dir) / METRICS
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def truncate_metrics(run_dir: Path, last_step: int) -> None:
    """Keep rows up to ``last_step`` (a resumed run rewrites the steps after its checkpoint)."""
    rows = [r for r in read_metrics(run_dir) if r.get("step", 0) <= last_step]
    write_text(Path(run_dir) / METRICS, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def append_metric(run_dir: Path, row: dict[str, Any]) -> None:
    """One JSON line per row, flushed at once (a log: readers tolerate a run still in progress)."""
    with (Path(run_dir) / METRICS).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.flush()


def loss_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """initial/final/min/max loss, reduction %, mean train loss (HF's ``train_loss``) over training rows."""
    losses = [r["loss"] for r in rows if "loss" in r]
    if not losses:
        return {}
    initial, final = losses[0], losses[-1]
    return {
        "initial_loss": round(initial, 4),
        "final_loss": round(final, 4),
        "min_loss": round(min(losses), 4),
        "max_loss": round(max(losses), 4),
        "loss_reduction_percent": round(100.0 * (initial - final) / initial, 2) if initial else None,
        "final_loss_mean_last10": round(sum(losses[-10:]) / len(losses[-10:]), 4),
        "train_loss_mean": round(sum(losses) / len(losses), 4),
        "logged_steps": len(losses),
    }
