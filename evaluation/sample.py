"""The ablation's evaluation sample: a seeded draw from an Alpaca JSONL set, both languages.

An Alpaca line looks like::

    {"instruction": "Могут ли лесохозяйственные предприятия иметь землю в постоянном пользовании?",
     "input": "", "output": "Да, если они государственные."}

The instruction is the question, the output the reference answer; a non-empty ``input`` is
appended to the question. Items are numbered by their line (``alpaca-17`` is line 17), so a
sample names the same questions on every run and machine.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from corpora.errors import KzlegalError
from evaluation.inputs import detect_lang, read_jsonl


def load_alpaca(path: str | Path) -> list[dict[str, Any]]:
    """Every usable line as ``{"id", "question", "reference", "lang"}``; a malformed line names FILE:LINE."""
    path = Path(path)
    if not path.is_file():
        raise KzlegalError(f"evaluation set not found: {path} (set data=FILE.jsonl in the bench config)")
    items = []
    for lineno, obj in read_jsonl(path):
        where = f"{path}:{lineno}"
        instruction, output, extra = obj.get("instruction"), obj.get("output"), obj.get("input") or ""
        if not isinstance(instruction, str) or not isinstance(output, str) or not isinstance(extra, str):
            raise KzlegalError(f"{where}: an Alpaca line needs string fields 'instruction' and 'output'")
        question = (instruction.strip() + ("\n" + extra.strip() if extra.strip() else "")).strip()
        if not question or not output.strip():
            continue  # nothing to ask or nothing to compare with
        items.append({"id": f"alpaca-{lineno}", "question": question, "reference": output.strip(),
                      "lang": detect_lang(question)})
    if not items:
        raise KzlegalError(f"{path}: no usable Alpaca lines (instruction + output)")
    return items


def seeded_sample(items: list[dict[str, Any]], size: int, seed: int) -> list[dict[str, Any]]:
    """``size`` items drawn with ``random.Random(seed)``, split evenly between the languages present
    (a language with too few items gives its share to the others); returned in file order."""
    if size < 1:
        raise KzlegalError(f"sample_size must be at least 1; got {size}")
    rng = random.Random(seed)
    by_lang: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_lang.setdefault(item["lang"], []).append(i)
    langs = sorted(by_lang)
    chosen: list[int] = []
    left = min(size, len(items))
    for n, lang in enumerate(sorted(langs, key=lambda lg: len(by_lang[lg]))):
        share = min(len(by_lang[lang]), -(-left // (len(langs) - n)))  # ceil: an even split
        chosen += rng.sample(by_lang[lang], share)
        left -= share
    return [items[i] for i in sorted(chosen)]
