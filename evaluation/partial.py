"""The ablation's resume log: one scored item per line, appended as each batch finishes.

``RESULTS_DIR/partial.jsonl`` lines are per-item result dicts (see :mod:`evaluation.aggregate`)
tagged with their configuration::

    {"row": "finetuned:3", "generator": "finetuned", "retrieval_k": 3, "id": "alpaca-17",
     "prediction": "...", "gen_time": 0.41, "metrics": {...}, ...}

A rerun reads the log and skips every (row, id) pair already in it. The log belongs to one
run setup: its first line records a fingerprint of the settings that change answers (sample,
model, generation settings), and a log written under other settings is refused rather than
mixed in. A line cut short by a crash (the last one) is ignored.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from corpora.atomic import write_text
from corpora.errors import KzlegalError

PARTIAL_FILE = "partial.jsonl"


def row_name(generator: str, k: int) -> str:
    """«finetuned:3»: how a (generator, retrieval k) configuration is named in logs and configs."""
    return f"{generator}:{k}"


class PartialLog:
    """Append-only JSONL of finished items, flushed and synced after every batch."""

    def __init__(self, results_dir: str | Path, fingerprint: dict[str, Any]):
        self.path = Path(results_dir) / PARTIAL_FILE
        self.fingerprint = fingerprint
        self.items: list[dict[str, Any]] = []
        self._done: set[tuple[str, str]] = set()
        if self.path.is_file():
            self._read()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._append([{"fingerprint": fingerprint}])

    def _read(self) -> None:
        lines = self.path.read_text(encoding="utf-8").splitlines()
        records = []
        for n, line in enumerate(lines, 1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                if n == len(lines):
                    break  # the last line was being written when the run stopped
                raise KzlegalError(f"{self.path}:{n}: not valid JSON; delete the file to start the ablation over")
        if not records or records[0].get("fingerprint") != self.fingerprint:
            raise KzlegalError(
                f"{self.path}: written by a run with other settings (sample, model or generation); "
                "use another results_dir or delete that file to start over")
        if lines and records and len(records) < len(lines):  # drop the cut line so appends stay valid JSONL
            write_text(self.path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        for record in records[1:]:
            self.items.append(record)
            self._done.add((record["row"], record["id"]))

    def done(self, row: str, item_id: str) -> bool:
        return (row, item_id) in self._done

    def _append(self, records: Iterable[dict[str, Any]]) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def add(self, records: list[dict[str, Any]]) -> None:
        """Log a finished batch (each record has ``row`` and ``id``)."""
        self._append(records)
        for record in records:
            self.items.append(record)
            self._done.add((record["row"], record["id"]))

    def row_items(self, row: str, order: list[str]) -> list[dict[str, Any]]:
        """The logged items of ``row`` in sample order (``order`` = item ids)."""
        by_id = {it["id"]: it for it in self.items if it["row"] == row}
        return [by_id[i] for i in order if i in by_id]
