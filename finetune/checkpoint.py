"""Checkpoints: adapter weights, optimizer, scheduler and RNG state at an optimizer step.

Each checkpoint is a directory ``RUN/checkpoints/step-0000042`` written through
``corpora.atomic.atomic_dir`` (temporary sibling, then rename), so a kill mid-save leaves the
previous checkpoint intact and never a half-written one. ``state.json`` is written last inside
the temporary directory; a directory without it is not a checkpoint.
"""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

from corpora.atomic import atomic_dir
from finetune.config import FinetuneError

CHECKPOINTS = "checkpoints"
STATE = "state.json"


def checkpoint_dir(run_dir: Path, step: int) -> Path:
    return run_dir / CHECKPOINTS / f"step-{step:07d}"


def list_checkpoints(run_dir: Path) -> list[tuple[int, Path]]:
    """Complete checkpoints, oldest first, as (step, path)."""
    root = run_dir / CHECKPOINTS
    if not root.is_dir():
        return []
    found = []
    for path in root.glob("step-*"):
        if path.name.startswith(".") or not (path / STATE).is_file():
            continue
        try:
            found.append((int(path.name.split("-", 1)[1]), path))
        except ValueError:
            continue
    return sorted(found)


def latest_checkpoint(run_dir: Path) -> Path | None:
    found = list_checkpoints(run_dir)
    return found[-1][1] if found else None


def _rng_state() -> dict[str, Any]:
    import torch

    state = {"python": random.getstate(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _restore_rng(state: dict[str, Any]) -> None:
    import torch

    random.setstate(state["python"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(run_dir: Path, step: int, model: Any, optimizer: Any, scheduler: Any, state: dict[str, Any], keep: int) -> Path:
    """Write the checkpoint for ``step`` atomically, then prune to the newest ``keep`` (≥1)."""
    import torch
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    target = checkpoint_dir(run_dir, step)
    with atomic_dir(target) as tmp:
        weights = {k: v.detach().to("cpu").contiguous() for k, v in get_peft_model_state_dict(model).items()}
        save_file(weights, str(tmp / "adapter_model.safetensors"))
        torch.save(
            {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "rng": _rng_state()},
            tmp / "trainer.pt",
        )
        (tmp / STATE).write_text(json.dumps({"step": step, **state}, ensure_ascii=False, indent=2), encoding="utf-8")
    for _, old in list_checkpoints(run_dir)[: -max(keep, 1)]:
        shutil.rmtree(old, ignore_errors=True)
    return target


def load_checkpoint(path: Path, model: Any, optimizer: Any, scheduler: Any) -> dict[str, Any]:
    """Restore adapter weights, optimizer, scheduler and RNG from ``path``; return its state.json."""
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    state_file = path / STATE
    if not state_file.is_file():
        raise FinetuneError(f"{path}: not a complete checkpoint (no {STATE})")
    state = json.loads(state_file.read_text(encoding="utf-8"))
    set_peft_model_state_dict(model, load_file(str(path / "adapter_model.safetensors")))
    trainer = torch.load(path / "trainer.pt", map_location="cpu", weights_only=False)
    optimizer.load_state_dict(trainer["optimizer"])
    scheduler.load_state_dict(trainer["scheduler"])
    _restore_rng(trainer["rng"])
    return state
