"""Building, saving and loading the search index, with a manifest that says what it was built from.

Layout of an index directory (written as a whole, atomically)::

    manifest.json   # format, corpus hash + per-(act, lang) hashes, embedder id/dim, chunking, lexical, dense
    chunks.json     # the chunks (see retrieval.chunking.Chunk), column-wise
    vectors.npy     # float32 chunk embeddings, one row per chunk
    dense.faiss     # FAISS index over vectors.npy
    lexical.json    # what each BM25 document is: (act_id, article, lang, repealed, chunk or -1)
    lexicon.json    # Kazakh → Russian terms learned from bilingual articles (retrieval.crosslingual)
    examples.json   # labelled example questions and their indexed cited articles (retrieval.examples)
    examples.npy    # their query embeddings
    bm25/           # the bm25s index (its own save format)

A rebuild reuses the chunks and vectors of every (act, language) whose corpus hash, chunking and
embedder did not change, and embeds only the rest; any chunk text seen before is not re-embedded. The example questions (a few
hundred) are embedded afresh on every build.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from corpora.atomic import atomic_dir
from corpora.errors import KzlegalError
from corpora.model import Article
from corpora.store import CorpusStore
from retrieval.analysis import analyzer
from retrieval.chunking import Chunk, chunk_article, heading
from retrieval.config import RetrievalConfig
from retrieval.crosslingual import learn_lexicon
from retrieval.dense import DenseIndex
from retrieval.examples import ExampleBank, build_bank, files_hash, load_bank, save_bank
from retrieval.lexical import LexicalIndex

INDEX_FORMAT = 1
MANIFEST_FILE = "manifest.json"


class IndexError_(KzlegalError):
    """An index that is missing, damaged, or built for another corpus or embedder."""


@dataclass
class LexicalDoc:
    """One BM25 document: a whole article (``chunk`` = -1) or one chunk."""

    act_id: str
    article: str
    lang: str
    repealed: bool
    chunk: int = -1


@dataclass
class IndexData:
    """Everything a searcher needs, in memory."""

    manifest: dict[str, Any]
    chunks: list[Chunk]
    vectors: np.ndarray
    dense: DenseIndex
    lexical: LexicalIndex
    lexical_docs: list[LexicalDoc]
    lexicon: dict[str, list[str]] = field(default_factory=dict)  # Kazakh term → Russian terms
    examples: ExampleBank | None = None  # labelled example questions (None: none)


@dataclass
class BuildReport:
    """What a build did: sizes, how much was reused, and how long it took."""

    chunks: int
    embedded: int
    reused: int
    acts_reused: list[str] = field(default_factory=list)
    acts_rebuilt: list[str] = field(default_factory=list)
    embed_seconds: float = 0.0
    total_seconds: float = 0.0

    @property
    def chunks_per_s(self) -> float:
        return self.embedded / self.embed_seconds if self.embed_seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["chunks_per_s"] = round(self.chunks_per_s, 2)
        d["embed_seconds"] = round(self.embed_seconds, 2)
        d["total_seconds"] = round(self.total_seconds, 2)
        return d


def chunking_params(cfg: RetrievalConfig) -> dict[str, Any]:
    return {"max_chars": cfg.chunk_max_chars, "min_chars": cfg.chunk_min_chars, "title_chunks": cfg.title_chunks,
            "coarse_max_chars": cfg.coarse_max_chars}


def lexical_params(cfg: RetrievalConfig) -> dict[str, Any]:
    return {"unit": cfg.lexical_unit, "ru_analyzer": cfg.ru_analyzer, "kk_analyzer": cfg.kk_analyzer,
            "k1": cfg.bm25_k1, "b": cfg.bm25_b, "title_repeat": cfg.lexical_title_repeat, "kk_lexicon": cfg.kk_lexicon}


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _groups(store: CorpusStore) -> dict[str, list[Article]]:
    """Articles by «act_id/lang», the unit of incremental rebuilds (the store hashes these)."""
    groups: dict[str, list[Article]] = {}
    for a in store.articles:
        if store.exact(a.act_id, a.article, a.lang) is a:  # skip shadowed duplicates
            groups.setdefault(f"{a.act_id}/{a.lang}", []).append(a)
    return groups


def _lexical_text(article: Article, title_repeat: int) -> str:
    return "\n".join([heading(article)] * max(title_repeat, 1) + [article.text])


def build_lexical(chunks: list[Chunk], articles: list[Article], cfg: RetrievalConfig) -> tuple[LexicalIndex, list[LexicalDoc]]:
    """BM25 over whole articles or over the (non-title) chunks, each analysed in its own language."""
    analyzers = {lang: analyzer(lang, cfg.ru_analyzer, cfg.kk_analyzer) for lang in ("ru", "kk")}
    docs: list[list[str]] = []
    meta: list[LexicalDoc] = []
    if cfg.lexical_unit == "article":
        for a in articles:
            docs.append(analyzers["kk" if a.lang == "kk" else "ru"](_lexical_text(a, cfg.lexical_title_repeat)))
            meta.append(LexicalDoc(a.act_id, a.article, a.lang, a.repealed))
    elif cfg.lexical_unit == "chunk":
        with_body = {(c.act_id, c.article, c.lang) for c in chunks if c.kind != "title"}
        for i, c in enumerate(chunks):
            if c.kind == "title" and (c.act_id, c.article, c.lang) in with_body:
                continue  # the heading is already in the article's other chunks
            docs.append(analyzers["kk" if c.lang == "kk" else "ru"](c.text))
            meta.append(LexicalDoc(c.act_id, c.article, c.lang, c.repealed, i))
    else:
        raise KzlegalError(f"lexical_unit {cfg.lexical_unit!r} is not one of article, chunk")
    return LexicalIndex.build(docs, k1=cfg.bm25_k1, b=cfg.bm25_b), meta


def build_index(store: CorpusStore, cfg: RetrievalConfig, embedder, previous: IndexData | None = None,
                progress: bool = False) -> tuple[IndexData, BuildReport]:
    """Chunk, embed (reusing ``previous`` where possible), and index the whole store."""
    t0 = time.perf_counter()
    groups = _groups(store)
    act_hashes = {f"{e['act_id']}/{e['lang']}": e["hash"] for e in store.manifest["acts"]}
    params = chunking_params(cfg)
    same_setup = (previous is not None and previous.manifest["embedder"]["id"] == embedder.id
                  and previous.manifest["chunking"] == params)
    old_by_group: dict[str, list[int]] = {}
    old_vectors_by_text: dict[str, np.ndarray] = {}
    if previous is not None and previous.manifest["embedder"]["id"] == embedder.id:
        for i, c in enumerate(previous.chunks):
            old_by_group.setdefault(f"{c.act_id}/{c.lang}", []).append(i)
            old_vectors_by_text[_text_key(c.text)] = previous.vectors[i]
    chunks: list[Chunk] = []
    vectors: list[np.ndarray | None] = []
    report = BuildReport(chunks=0, embedded=0, reused=0)
    old_hashes = previous.manifest["corpus"]["acts"] if previous is not None else {}
    for group, articles in sorted(groups.items()):
        if same_setup and old_hashes.get(group) == act_hashes.get(group) and group in old_by_group:
            for i in old_by_group[group]:
                chunks.append(previous.chunks[i])
                vectors.append(previous.vectors[i])
            report.acts_reused.append(group)
            continue
        report.acts_rebuilt.append(group)
        for a in articles:
            for c in chunk_article(a, cfg.chunk_max_chars, cfg.chunk_min_chars, cfg.title_chunks, cfg.coarse_max_chars):
                chunks.append(c)
                vectors.append(old_vectors_by_text.get(_text_key(c.text)))
    todo = [i for i, v in enumerate(vectors) if v is None]
    report.reused = len(chunks) - len(todo)
    t_embed = time.perf_counter()
    if todo:
        fresh = embedder.encode_passages([chunks[i].text for i in todo], batch_size=cfg.batch_size, progress=progress)
        for i, v in zip(todo, fresh):
            vectors[i] = v
    report.embed_seconds = time.perf_counter() - t_embed
    report.embedded = len(todo)
    report.chunks = len(chunks)
    matrix = np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, embedder.dim), dtype=np.float32)
    articles = [a for group in sorted(groups) for a in groups[group]]
    lexical, lexical_docs = build_lexical(chunks, articles, cfg)
    manifest = {
        "format": INDEX_FORMAT,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "corpus": {"content_hash": store.content_hash, "store": str(store.path), "acts": act_hashes},
        "embedder": {"id": embedder.id, "dim": int(embedder.dim)},
        "chunking": params,
        "lexical": lexical_params(cfg),
        "dense": {"kind": cfg.dense_index},
        "counts": {"chunks": len(chunks), "articles": len(articles), "lexical_docs": len(lexical_docs)},
    }
    lexicon = {}
    if cfg.kk_lexicon:
        lexicon = learn_lexicon(articles, analyzer("ru", cfg.ru_analyzer, cfg.kk_analyzer),
                                analyzer("kk", cfg.ru_analyzer, cfg.kk_analyzer))
    manifest["counts"]["lexicon_terms"] = len(lexicon)
    examples = build_bank(cfg.examples, embedder, {(a.act_id, a.article) for a in articles})
    manifest["examples"] = {"files": [str(p) for p in cfg.examples], "hash": files_hash(cfg.examples),
                            "questions": len(examples)}
    data = IndexData(manifest, chunks, matrix, DenseIndex.build(matrix, cfg.dense_index), lexical, lexical_docs, lexicon,
                     examples)
    report.total_seconds = time.perf_counter() - t0
    manifest["build"] = report.to_dict()
    return data, report


_CHUNK_FIELDS = ("act_id", "article", "lang", "title", "kind", "text", "body", "point", "repealed", "short_name")


def save_index(data: IndexData, index_dir: str | Path) -> None:
    """Write the index directory as a whole: readers see the old or the new index, never a mix."""
    with atomic_dir(index_dir) as tmp:
        columns = {f: [getattr(c, f) for c in data.chunks] for f in _CHUNK_FIELDS}
        (tmp / "chunks.json").write_text(json.dumps(columns, ensure_ascii=False), encoding="utf-8")
        np.save(tmp / "vectors.npy", data.vectors)
        data.dense.save(tmp / "dense.faiss")
        data.lexical.save(tmp / "bm25")
        (tmp / "lexical.json").write_text(json.dumps([asdict(d) for d in data.lexical_docs], ensure_ascii=False),
                                          encoding="utf-8")
        (tmp / "lexicon.json").write_text(json.dumps(data.lexicon, ensure_ascii=False), encoding="utf-8")
        if data.examples is not None:
            save_bank(data.examples, tmp)
        (tmp / MANIFEST_FILE).write_text(json.dumps(data.manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_manifest(index_dir: str | Path) -> dict[str, Any]:
    """The index manifest; a missing index is a clear error naming the command that builds it."""
    path = Path(index_dir) / MANIFEST_FILE
    if not path.is_file():
        raise IndexError_(f"no search index at {index_dir} (missing {MANIFEST_FILE}); run `kzlegal index build` first")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != INDEX_FORMAT:
        raise IndexError_(f"{path}: index format {manifest.get('format')} is not {INDEX_FORMAT}; "
                          "rebuild it with `kzlegal index build`")
    return manifest


def check_compatible(manifest: dict[str, Any], corpus_hash: str | None = None, embedder_id: str | None = None,
                     where: str = "") -> None:
    """Refuse an index built from another corpus or with another embedder than the one asked for."""
    built = manifest["corpus"]["content_hash"]
    if corpus_hash is not None and built != corpus_hash:
        raise IndexError_(f"the index {where} was built from corpus {built[:12]}, but the corpus store is now "
                          f"{corpus_hash[:12]}; rebuild it with `kzlegal index build`")
    if embedder_id is not None and manifest["embedder"]["id"] != embedder_id:
        raise IndexError_(f"the index {where} was built with embedder {manifest['embedder']['id']!r}, not "
                          f"{embedder_id!r}; rebuild it with `kzlegal index build --embedder {embedder_id}` "
                          f"or search with --embedder {manifest['embedder']['id']}")


def load_index(index_dir: str | Path) -> IndexData:
    """Read an index directory written by :func:`save_index`."""
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    try:
        columns = json.loads((index_dir / "chunks.json").read_text(encoding="utf-8"))
        n = len(columns["act_id"])
        chunks = [Chunk(**{f: columns[f][i] for f in _CHUNK_FIELDS}) for i in range(n)]
        vectors = np.load(index_dir / "vectors.npy")
        dense = DenseIndex.load(index_dir / "dense.faiss")
        lexical = LexicalIndex.load(index_dir / "bm25")
        lexical_docs = [LexicalDoc(**d) for d in json.loads((index_dir / "lexical.json").read_text(encoding="utf-8"))]
        lexicon = json.loads((index_dir / "lexicon.json").read_text(encoding="utf-8"))
        examples = load_bank(index_dir, manifest["embedder"]["dim"])
    except (OSError, KeyError, ValueError, RuntimeError) as exc:
        raise IndexError_(f"the index at {index_dir} is damaged ({exc}); rebuild it with `kzlegal index build`") from exc
    if vectors.shape != (n, manifest["embedder"]["dim"]) or dense.size != n:
        raise IndexError_(f"the index at {index_dir} is inconsistent: {n} chunks, vectors {vectors.shape}, "
                          f"FAISS {dense.size}; rebuild it with `kzlegal index build`")
    return IndexData(manifest, chunks, vectors, dense, lexical, lexical_docs, lexicon, examples)
