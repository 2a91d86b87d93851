"""Alpaca-style training data: loading, validation with line numbers, split, language statistics.

A data file is JSON Lines, one object per line with ``instruction`` (the question or task),
``input`` (extra context, often empty) and ``output`` (the answer), in Russian or Kazakh:

    {"instruction": "Могут ли лесохозяйственные предприятия ...?", "input": "", "output": "Да, ..."}

Bad lines are never fatal one by one: they are counted and reported with their line numbers,
and the run goes on with the good ones. Only a file with no usable sample is an error.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from finetune.config import FinetuneError

FIELDS = ("instruction", "input", "output")
#: Fields that must be non-empty; ``input`` may be empty.
REQUIRED_NON_EMPTY = ("instruction", "output")

#: Letters of the Kazakh Cyrillic alphabet that Russian does not have.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһіА-ЯЁӘҒҚҢӨҰҮҺІ]")
#: A text is Kazakh when Kazakh-specific letters are at least this share of its Cyrillic letters
#: (so a Russian answer quoting one Kazakh name stays Russian).
KAZAKH_SHARE = 0.005

#: How many line numbers an issue keeps (the count is always complete).
MAX_LINES_KEPT = 50


@dataclass(frozen=True)
class Sample:
    """One training example and where it came from (``line`` is 1-based in the source file)."""

    instruction: str
    input: str
    output: str
    line: int
    lang: str

    def key(self) -> str:
        """Stable identity of the content (used for duplicates and the train/validation split)."""
        joined = "\x1f".join((self.instruction, self.input, self.output))
        return hashlib.sha1(joined.encode("utf-8")).hexdigest()


@dataclass
class Issue:
    """One kind of problem found in a data file: how many lines, and which (first ``MAX_LINES_KEPT``)."""

    kind: str
    count: int = 0
    lines: list[int] = field(default_factory=list)
    example: str = ""

    def add(self, line: int, detail: str = "") -> None:
        self.count += 1
        if len(self.lines) < MAX_LINES_KEPT:
            self.lines.append(line)
        if not self.example and detail:
            self.example = detail


@dataclass
class DataReport:
    """What validation found: totals, issues by kind, per-language statistics."""

    source: str
    lines_read: int = 0
    kept: int = 0
    issues: dict[str, Issue] = field(default_factory=dict)
    languages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def issue(self, kind: str) -> Issue:
        return self.issues.setdefault(kind, Issue(kind))

    def add_issue(self, kind: str, line: int, detail: str = "") -> None:
        self.issue(kind).add(line, detail)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["issues"] = {k: asdict(v) for k, v in self.issues.items()}
        return out

    def lines_summary(self) -> list[str]:
        """Human-readable lines for the terminal."""
        rows = [f"{self.source}: {self.lines_read} records read, {self.kept} kept"]
        for issue in self.issues.values():
            where = ", ".join(str(n) for n in issue.lines[:10]) + (" ..." if issue.count > 10 else "")
            rows.append(f"  {issue.kind}: {issue.count} (lines {where}){' — ' + issue.example if issue.example else ''}")
        for lang, stats in sorted(self.languages.items()):
            rows.append(f"  {lang}: {stats['samples']} samples, mean output {stats['mean_output_chars']:.0f} chars")
        return rows


def detect_language(text: str) -> str:
    """``kk`` when Kazakh-specific letters (әғқңөұүһі) make up ≥0.5% of the Cyrillic letters, ``ru`` when
    the text is Cyrillic otherwise, ``other`` when it has no Cyrillic at all."""
    cyrillic = len(_CYRILLIC.findall(text))
    if cyrillic == 0:
        return "other"
    kazakh = sum(1 for ch in text if ch in KAZAKH_LETTERS)
    return "kk" if kazakh and kazakh / cyrillic >= KAZAKH_SHARE else "ru"


def _check_record(obj: Any, line: int, report: DataReport) -> Sample | None:
    """A parsed JSON value → a Sample, or None with the problem recorded against ``line``."""
    if not isinstance(obj, dict):
        report.add_issue("not_an_object", line, f"line {line}: expected a JSON object, got {type(obj).__name__}")
        return None
    values: dict[str, str] = {}
    for name in FIELDS:
        if name not in obj:
            report.add_issue(f"missing_{name}", line, f"line {line}: no field {name!r}")
            return None
        value = obj[name]
        if value is None and name == "input":
            value = ""
        if not isinstance(value, str):
            report.add_issue(f"non_string_{name}", line, f"line {line}: field {name!r} is {type(value).__name__}")
            return None
        values[name] = value
    for name in REQUIRED_NON_EMPTY:
        if not values[name].strip():
            report.add_issue(f"empty_{name}", line, f"line {line}: field {name!r} is empty")
            return None
    text = " ".join(values[n] for n in FIELDS)
    return Sample(values["instruction"], values["input"], values["output"], line, detect_language(text))


def _iter_jsonl(path: Path, report: DataReport) -> Iterable[tuple[int, Any]]:
    """(line number, parsed JSON) for each non-blank line; malformed JSON is recorded, not raised."""
    with path.open("r", encoding="utf-8", errors="strict") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            report.lines_read += 1
            try:
                yield number, json.loads(raw)
            except json.JSONDecodeError as exc:
                report.add_issue("malformed_json", number, f"line {number}: {exc.msg} at column {exc.colno}")


def _iter_hf(spec: str, report: DataReport) -> Iterable[tuple[int, Any]]:
    """Rows of a HF ``datasets`` source: ``hf:NAME[:SPLIT]`` (hub or cache) or a ``save_to_disk`` folder."""
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - datasets is in the train extra
        raise FinetuneError(f"{spec}: reading HF datasets needs the 'train' extra (pip install 'kzlegal[train]')") from exc
    try:
        if spec.startswith("hf:"):
            name, _, split = spec[3:].partition(":")
            ds = datasets.load_dataset(name, split=split or "train")
        else:
            ds = datasets.load_from_disk(spec)
            if isinstance(ds, datasets.DatasetDict):
                ds = ds["train"]
    except Exception as exc:  # the hub/cache raise many types; the user needs the message
        raise FinetuneError(f"{spec}: cannot load HF dataset: {exc}") from exc
    for index, row in enumerate(ds, start=1):
        report.lines_read += 1
        yield index, row


def load_samples(source: str | Path) -> tuple[list[Sample], DataReport]:
    """Read and validate a data source; exact duplicates after the first are dropped and reported.

    ``source`` is a ``.jsonl`` file, a ``datasets.save_to_disk`` folder, or ``hf:NAME[:SPLIT]``.
    Line numbers in the report are file lines (JSONL) or 1-based row numbers (HF).
    """
    spec = str(source)
    report = DataReport(source=spec)
    if spec.startswith("hf:"):
        rows = _iter_hf(spec, report)
    else:
        path = Path(spec)
        if not path.exists():
            raise FinetuneError(f"data file not found: {path}")
        rows = _iter_hf(spec, report) if path.is_dir() else _iter_jsonl(path, report)
    samples: list[Sample] = []
    first_line: dict[str, int] = {}
    try:
        for line, obj in rows:
            sample = _check_record(obj, line, report)
            if sample is None:
                continue
            key = sample.key()
            if key in first_line:
                report.add_issue("duplicate", line, f"line {line}: same instruction/input/output as line {first_line[key]}")
                continue
            first_line[key] = line
            samples.append(sample)
    except UnicodeDecodeError as exc:
        raise FinetuneError(f"{spec}: not UTF-8 text ({exc})") from exc
    report.kept = len(samples)
    report.languages = language_stats(samples)
    if not samples:
        raise FinetuneError(f"{spec}: no usable samples ({'; '.join(report.lines_summary()[1:]) or 'file is empty'})")
    return samples, report


def language_stats(samples: list[Sample]) -> dict[str, dict[str, Any]]:
    """Per language: sample count and mean instruction/output length in characters."""
    groups: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        groups[s.lang].append(s)
    out = {}
    for lang, group in groups.items():
        out[lang] = {
            "samples": len(group),
            "share": round(len(group) / len(samples), 4),
            "mean_instruction_chars": sum(len(s.instruction) for s in group) / len(group),
            "mean_output_chars": sum(len(s.output) for s in group) / len(group),
            "with_input": sum(1 for s in group if s.input.strip()),
        }
    return out


def in_validation(sample: Sample, fraction: float) -> bool:
    """Stable split: the sample's content hash, not its position, decides (same answer on every run)."""
    if fraction <= 0:
        return False
    bucket = int(sample.key()[:8], 16) % 10_000
    return bucket < round(fraction * 10_000)


def split_samples(samples: list[Sample], fraction: float) -> tuple[list[Sample], list[Sample]]:
    """(train, validation) by ``in_validation``; file order is kept inside each part."""
    train = [s for s in samples if not in_validation(s, fraction)]
    valid = [s for s in samples if in_validation(s, fraction)]
    if not train:
        raise FinetuneError(f"validation_fraction {fraction} leaves no training samples")
    return train, valid


def fingerprint(samples: list[Sample]) -> str:
    """Hash of the ordered training content: a resumed run must see exactly the same data."""
    digest = hashlib.sha256()
    for s in samples:
        digest.update(s.key().encode("ascii"))
    return digest.hexdigest()[:16]


def count_issue_lines(report: DataReport) -> Counter:
    """Issue kind → count (handy for tests and summaries)."""
    return Counter({kind: issue.count for kind, issue in report.issues.items()})
