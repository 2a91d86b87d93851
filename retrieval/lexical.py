"""BM25 over analysed terms (bm25s), saved and loaded with bm25s's own files.

Documents are lists of terms made by :mod:`retrieval.analysis` (Russian lemmas, Kazakh stems);
a query is scored against every document at once, so filters are applied to the score array.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np


class LexicalIndex:
    """A bm25s index over pre-analysed documents."""

    def __init__(self, bm25) -> None:
        self._bm25 = bm25
        self._vocab = bm25.vocab_dict

    @classmethod
    def build(cls, docs: Sequence[list[str]], k1: float = 1.2, b: float = 0.75) -> "LexicalIndex":
        """Index ``docs`` (each a list of terms). An empty document gets a placeholder term."""
        import bm25s

        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in docs]
        bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
        return cls(bm25)

    def save(self, directory: str | Path) -> None:
        self._bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: str | Path) -> "LexicalIndex":
        import bm25s

        return cls(bm25s.BM25.load(str(directory), mmap=False, show_progress=False))

    @property
    def num_docs(self) -> int:
        return int(self._bm25.scores["num_docs"])

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25 score of every document for the query ``terms`` (unknown terms are ignored)."""
        known = [t for t in terms if t in self._vocab]
        if not known:
            return np.zeros(self.num_docs, dtype=np.float32)
        ids = [self._vocab[t] for t in known]
        return np.asarray(self._bm25.get_scores(ids), dtype=np.float32)
