"""``kzlegal plots train RUN_DIR``: ``training_loss.png`` (raw + smoothed) and ``learning_rate.png``
from the run's ``metrics.jsonl``."""
from __future__ import annotations

from pathlib import Path

import click

from corpora.atomic import atomic_path
from finetune.config import FinetuneError
from finetune.summary import read_metrics


def smooth(values: list[float], weight: float = 0.9) -> list[float]:
    """Exponential moving average with bias correction (TensorBoard-style smoothing)."""
    out, avg = [], 0.0
    for i, v in enumerate(values, start=1):
        avg = weight * avg + (1 - weight) * v
        out.append(avg / (1 - weight**i))
    return out


def draw_training_plots(run_dir: str | Path, output: str | Path | None = None) -> list[Path]:
    """Write the two PNGs (into ``output`` or the run directory); returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run_dir = Path(run_dir)
    rows = read_metrics(run_dir)
    train = [r for r in rows if "loss" in r]
    if not train:
        raise FinetuneError(f"{run_dir}: no training rows in metrics.jsonl (is it a run directory?)")
    evals = [r for r in rows if "eval_loss" in r]
    out_dir = Path(output) if output else run_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    steps = [r["step"] for r in train]
    losses = [r["loss"] for r in train]

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot(steps, losses, color="tab:blue", alpha=0.3, linewidth=1, label="loss (per step)")
    ax.plot(steps, smooth(losses), color="tab:blue", linewidth=2, label="loss (smoothed, EMA 0.9)")
    if evals:
        ax.plot([r["step"] for r in evals], [r["eval_loss"] for r in evals], "o-", color="tab:orange", label="validation loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss")
    ax.set_title(f"Training loss — {run_dir.name}")
    ax.grid(alpha=0.3)
    ax.legend()
    paths = [out_dir / "training_loss.png"]
    with atomic_path(paths[0], suffix=".png") as tmp:
        fig.savefig(tmp, dpi=120, bbox_inches="tight", format="png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(steps, [r["learning_rate"] for r in train], color="tab:green", linewidth=2)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate")
    ax.set_title(f"Learning rate — {run_dir.name}")
    ax.grid(alpha=0.3)
    paths.append(out_dir / "learning_rate.png")
    with atomic_path(paths[1], suffix=".png") as tmp:
        fig.savefig(tmp, dpi=120, bbox_inches="tight", format="png")
    plt.close(fig)
    return paths


@click.command("train", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True))
@click.option("--output", type=click.Path(file_okay=False), help="Folder for the PNGs (default: the run directory).")
def plots_train(run_dir: str, output: str | None) -> None:
    """training_loss.png (raw and smoothed) and learning_rate.png for a training run."""
    for path in draw_training_plots(run_dir, output):
        click.echo(str(path))
