"""The dense index: chunk embeddings in FAISS, searched by inner product (= cosine, vectors are unit length).

``flat`` is exact and the right choice up to a few hundred thousand chunks; ``hnsw`` (graph) and
``ivf`` (inverted lists over k-means cells) are approximate and meant for millions of chunks.
Filters (act, language, repealed) are applied inside FAISS with an id selector, so a filtered
search still returns ``n`` allowed chunks.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from corpora.errors import KzlegalError

KINDS = ("flat", "hnsw", "ivf")


def build_faiss(vectors: np.ndarray, kind: str = "flat"):
    """A FAISS index over ``vectors`` (n × d, unit rows) of the given kind."""
    import faiss

    if kind not in KINDS:
        raise KzlegalError(f"dense_index {kind!r} is not one of {', '.join(KINDS)}")
    n, d = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    elif kind == "ivf" and n >= 1000:
        nlist = max(1, min(int(4 * np.sqrt(n)), n // 39))
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = max(1, nlist // 8)
    else:  # flat, or ivf on a corpus too small to train cells
        index = faiss.IndexFlatIP(d)
    index.add(vectors)
    return index


class DenseIndex:
    """A FAISS index plus the search call the searcher needs."""

    def __init__(self, index) -> None:
        self.index = index

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str = "flat") -> "DenseIndex":
        return cls(build_faiss(vectors, kind))

    def save(self, path: str | Path) -> None:
        import faiss

        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: str | Path) -> "DenseIndex":
        import faiss

        return cls(faiss.read_index(str(path)))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, n: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``n`` chunk ids and similarities for one query vector, optionally among ``allowed`` ids only."""
        import faiss

        n = min(n, self.size)
        if n <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params = (faiss.SearchParametersHNSW(sel=selector) if isinstance(self.index, faiss.IndexHNSW)
                      else faiss.SearchParametersIVF(sel=selector) if isinstance(self.index, faiss.IndexIVF)
                      else faiss.SearchParameters(sel=selector))
        scores, ids = self.index.search(q, n, params=params)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]
