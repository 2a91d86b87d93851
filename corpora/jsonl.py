"""Reading JSONL inputs (questions, predictions): one JSON object per non-blank line.

Every package that takes a JSONL file reads it here, so a bad line is always reported the same
way: the file and line number, then what is wrong.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from corpora.errors import KzlegalError


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; bad JSON or a non-object is an error naming file:line."""
    path = Path(path)
    if not path.is_file():
        raise KzlegalError(f"{path}: no such file")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise KzlegalError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise KzlegalError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
            yield lineno, obj
