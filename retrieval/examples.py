"""Example questions: labelled questions whose cited articles vote for the articles of a new question.

People ask the same few dozen things in many words — a refund for a faulty phone, unpaid wages, a
dismissal — and the articles a lawyer cites for them are often not the ones whose words the
question shares: the remedy of art. 30 of the Consumer Protection Law, the complaint route of
art. 113 of the Labour Code. A bank of questions labelled with the articles their answers must cite
(``{"question": "...", "citations": [{"act_id": "Z100000274_", "article": "30"}]}`` per JSONL line,
the format of zann-bench and bench/data/labour_dev.jsonl) carries that knowledge.

At search time every example question is compared with the new one (the same query embedding,
inner product), and each article scores

    votes(a) = Σ over examples e citing a of exp((sim(e) − max_e' sim(e')) / tau)

— a kernel-weighted vote in which the closest example counts 1 and one ``tau`` less similar counts
1/e. The articles ranked by their votes are one more list in the reciprocal-rank fusion
(``example_weight``). Unlike the reference system's TF-IDF over training answers, the bank only
points at articles; what the user reads is still the statute text, and every article is verified.

Evaluating on questions that are in the bank measures memory, not search: the evaluation leaves the
evaluated questions out (:func:`left_out`).
"""
from __future__ import annotations

import hashlib
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from corpora.errors import KzlegalError
from corpora.jsonl import read_jsonl

EXAMPLES_JSON = "examples.json"
EXAMPLES_NPY = "examples.npy"


@dataclass
class ExampleBank:
    """Example questions, their cited articles ``(act_id, article)`` and their query embeddings."""

    questions: list[str]
    citations: list[list[tuple[str, str]]]
    vectors: np.ndarray  # float32, one L2-normalised row per question

    @classmethod
    def empty(cls, dim: int) -> "ExampleBank":
        return cls([], [], np.zeros((0, dim), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.questions)

    def without(self, questions: Iterable[str]) -> "ExampleBank":
        """The bank less the given questions (compared after whitespace normalisation)."""
        drop = {_norm(q) for q in questions}
        keep = [i for i, q in enumerate(self.questions) if _norm(q) not in drop]
        return ExampleBank([self.questions[i] for i in keep], [self.citations[i] for i in keep], self.vectors[keep])

    def votes(self, qvec: np.ndarray, tau: float) -> dict[tuple[str, str], float]:
        """Each cited article's kernel-weighted vote for the question embedded as ``qvec``."""
        if not self.questions:
            return {}
        return article_votes(self.vectors @ qvec, self.citations, tau)


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


@contextmanager
def left_out(index: Any, questions: Iterable[str]) -> Iterator[int]:
    """Within the block, ``index.examples`` lacks ``questions`` (put back after); yields how many were left out.

    For scoring questions that may be in the bank: with them in it, a score measures memory, not
    search. ``index`` is anything with an ``examples`` bank (an ``IndexData``); without one, nothing changes.
    """
    bank = getattr(index, "examples", None)
    if not bank:
        yield 0
        return
    index.examples = bank.without(questions)
    try:
        yield len(bank) - len(index.examples)
    finally:
        index.examples = bank


def article_votes(sims: np.ndarray, citations: Sequence[Sequence[tuple[str, str]]], tau: float) -> dict[tuple[str, str], float]:
    """Σ exp((sim − best sim) / tau) over the examples citing each article (see the module docstring)."""
    if tau <= 0:
        raise KzlegalError(f"example_tau must be > 0, got {tau}")
    weights = np.exp((sims - sims.max()) / tau)
    votes: dict[tuple[str, str], float] = {}
    for weight, cited in zip(weights.tolist(), citations):
        for key in cited:
            votes[key] = votes.get(key, 0.0) + weight
    return votes


def read_examples(paths: Sequence[str | Path]) -> tuple[list[str], list[list[tuple[str, str]]]]:
    """Questions and their cited ``(act_id, article)`` from JSONL files; a bad line names file:line.

    A file that does not exist is skipped with a notice on stderr (the shipped config names
    ../shared/datasets/zann-bench-open.jsonl, which only this workplace has). A question asked
    twice is kept once, with the union of its citations.
    """
    by_text: dict[str, int] = {}
    questions: list[str] = []
    citations: list[list[tuple[str, str]]] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            print(f"example questions: {path} not found, skipped", file=sys.stderr)
            continue
        for lineno, row in read_jsonl(path):
            question, cites = row.get("question"), row.get("citations")
            if not isinstance(question, str) or not question.strip():
                raise KzlegalError(f"{path}:{lineno}: 'question' must be a non-empty string")
            if not isinstance(cites, list) or not all(isinstance(c, dict) and c.get("act_id") and c.get("article")
                                                      for c in cites):
                raise KzlegalError(f"{path}:{lineno}: 'citations' must be a list of {{\"act_id\", \"article\"}}")
            keys = [(str(c["act_id"]), str(c["article"])) for c in cites]
            text = _norm(question)
            if text in by_text:
                known = citations[by_text[text]]
                known.extend(k for k in keys if k not in known)
                continue
            by_text[text] = len(questions)
            questions.append(question)
            citations.append(list(dict.fromkeys(keys)))
    return questions, citations


def build_bank(paths: Sequence[str | Path], embedder, indexed: set[tuple[str, str]]) -> ExampleBank:
    """Read, keep the citations of articles in the index (``indexed``), and embed as queries.

    Examples left with no indexed article (another act, an article this edition lacks) are dropped.
    """
    questions, citations = read_examples(paths)
    kept = [(q, [c for c in cites if c in indexed]) for q, cites in zip(questions, citations)]
    kept = [(q, cites) for q, cites in kept if cites]
    if not kept:
        return ExampleBank.empty(embedder.dim)
    vectors = np.asarray(embedder.encode_queries([q for q, _ in kept]), dtype=np.float32)
    return ExampleBank([q for q, _ in kept], [c for _, c in kept], vectors)


def files_hash(paths: Sequence[str | Path]) -> str:
    """A hash of the example files' names and bytes (missing files count as absent)."""
    h = hashlib.sha256()
    for path in paths:
        path = Path(path)
        h.update(str(path).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def save_bank(bank: ExampleBank, directory: Path) -> None:
    """Write the bank into an index directory being written (the caller makes it atomic)."""
    rows = [{"question": q, "citations": [list(c) for c in cites]} for q, cites in zip(bank.questions, bank.citations)]
    (directory / EXAMPLES_JSON).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    np.save(directory / EXAMPLES_NPY, bank.vectors)


def load_bank(directory: Path, dim: int) -> ExampleBank:
    """The bank saved by :func:`save_bank`; an index without one has an empty bank."""
    if not (directory / EXAMPLES_JSON).is_file():
        return ExampleBank.empty(dim)
    rows = json.loads((directory / EXAMPLES_JSON).read_text(encoding="utf-8"))
    vectors = np.load(directory / EXAMPLES_NPY)
    if vectors.shape != (len(rows), dim):
        raise ValueError(f"{EXAMPLES_NPY} has shape {vectors.shape}, expected ({len(rows)}, {dim})")
    return ExampleBank([r["question"] for r in rows], [[tuple(c) for c in r["citations"]] for r in rows], vectors)
