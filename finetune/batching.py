"""Data order and batches: deterministic per (seed, epoch), so a resumed run sees the same order.

An optimizer step consumes ``gradient_accumulation_steps × world_size`` micro-batches of
``batch_size`` samples; with DDP each rank takes every ``world_size``-th micro-batch of a step.
Two collations:

* padded (reference): right-padded to the longest sample of the micro-batch; pads carry no loss;
* padding-free: the micro-batch is concatenated into one row with ``position_ids`` restarting at 0
  for each sample; transformers turns restarting positions into a block-diagonal causal mask, so
  samples never attend to each other and no compute is spent on pads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from finetune.prompts import IGNORE_INDEX, Features


@dataclass(frozen=True)
class Schedule:
    """How many micro-batches and optimizer steps a run has (fixed before training starts)."""

    samples: int
    batch_size: int
    accumulation: int
    world_size: int
    epochs: int
    max_steps: int

    @property
    def micro_batches_per_epoch(self) -> int:
        return math.ceil(self.samples / self.batch_size)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.micro_batches_per_epoch / (self.accumulation * self.world_size))

    @property
    def total_steps(self) -> int:
        full = self.steps_per_epoch * self.epochs
        return min(full, self.max_steps) if self.max_steps > 0 else full

    def position(self, step: int) -> tuple[int, int]:
        """(epoch, step within epoch) of the 0-based global optimizer ``step``."""
        return divmod(step, self.steps_per_epoch)


def epoch_order(samples: int, seed: int, epoch: int) -> list[int]:
    """A permutation of sample indices, a pure function of (seed, epoch)."""
    import torch

    generator = torch.Generator().manual_seed(seed * 1000 + epoch)
    return torch.randperm(samples, generator=generator).tolist()


def step_micro_batches(schedule: Schedule, seed: int, step: int, rank: int = 0) -> list[list[int]]:
    """Sample indices of each micro-batch this rank runs for global optimizer ``step``."""
    epoch, in_epoch = schedule.position(step)
    order = epoch_order(schedule.samples, seed, epoch)
    per_step = schedule.accumulation * schedule.world_size
    first = in_epoch * per_step
    batches = []
    for micro in range(first, min(first + per_step, schedule.micro_batches_per_epoch)):
        if micro % schedule.world_size != rank:
            continue
        start = micro * schedule.batch_size
        batches.append(order[start : start + schedule.batch_size])
    return batches


def collate_padded(features: list[Features], pad_id: int) -> dict[str, Any]:
    """Right-padded batch with an attention mask; pad positions are ignored by the loss."""
    import torch

    width = max(len(f) for f in features)
    ids = torch.full((len(features), width), pad_id, dtype=torch.long)
    labels = torch.full((len(features), width), IGNORE_INDEX, dtype=torch.long)
    mask = torch.zeros((len(features), width), dtype=torch.long)
    for row, f in enumerate(features):
        n = len(f)
        ids[row, :n] = torch.tensor(f.input_ids)
        labels[row, :n] = torch.tensor(f.labels)
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def collate_padding_free(features: list[Features]) -> dict[str, Any]:
    """One row, samples back to back, positions restarting per sample, no attention mask.

    The first label of every sample is ignored: it would otherwise be predicted from the last token
    of the previous sample (the model shifts labels by one)."""
    import torch

    ids: list[int] = []
    labels: list[int] = []
    positions: list[int] = []
    for f in features:
        ids.extend(f.input_ids)
        labels.extend([IGNORE_INDEX] + f.labels[1:])
        positions.extend(range(len(f)))
    return {
        "input_ids": torch.tensor([ids], dtype=torch.long),
        "labels": torch.tensor([labels], dtype=torch.long),
        "position_ids": torch.tensor([positions], dtype=torch.long),
    }


def collate(features: list[Features], padding_free: bool, pad_id: int) -> dict[str, Any]:
    return collate_padding_free(features) if padding_free else collate_padded(features, pad_id)


def predicted_labels(batch: dict[str, Any]) -> int:
    """Tokens that carry loss after the model's one-position shift (what the mean loss divides by)."""
    return int((batch["labels"][:, 1:] != IGNORE_INDEX).sum())


def real_tokens(batch: dict[str, Any]) -> int:
    """Non-pad tokens in a batch (the numerator of tokens/s)."""
    if "attention_mask" in batch:
        return int(batch["attention_mask"].sum())
    return int(batch["input_ids"].numel())
