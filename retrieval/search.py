"""Hybrid search: dense (FAISS) and lexical (BM25) rankings fused by reciprocal rank, one hit per article.

Both rankings are first folded to article level — an article ranks by its best chunk (dense) or
its best BM25 document — with the Russian and Kazakh texts of one article counted as one article.
Reciprocal-rank fusion then scores article ``a`` as

    w_dense / (rrf_k + rank_dense(a)) + w_lexical / (rrf_k + rank_lexical(a))

(a list the article is absent from adds nothing). The hit's language is the filter's, else the
question's when the article has a text in it, else that of its best chunk; its snippet is the
chunk of that text closest to the question.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from corpora.store import CorpusStore, load_store
from retrieval.analysis import analyzer, detect_lang
from retrieval.crosslingual import translate
from retrieval.config import RetrievalConfig, default_index_dir, load_retrieval_config
from retrieval.index import IndexData, check_compatible, load_index, read_manifest
from retrieval.thesaurus import KK_THESAURUS, RU_THESAURUS, expand, expansion_table
from retrieval.types import Hit

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


@dataclass
class _Ranked:
    """An article-level ranking: article key ids in order, with the best element (chunk/doc) of each."""

    keys: list[int]
    best: dict[int, int]
    scores: dict[int, float] = field(default_factory=dict)  # the article's best raw score


class Searcher:
    """Search over a loaded index. Build one with :meth:`load` (from disk) or directly from ``IndexData``."""

    def __init__(self, data: IndexData, embedder, config: RetrievalConfig | None = None,
                 store: CorpusStore | None = None, store_dir: str | Path | None = None) -> None:
        self.data = data
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self._store = store
        self._store_dir = store_dir
        lex = data.manifest["lexical"]
        self._analyzers = {lang: analyzer(lang, lex["ru_analyzer"], lex["kk_analyzer"]) for lang in ("ru", "kk")}
        self._expansions = {"ru": expansion_table(self._analyzers["ru"], RU_THESAURUS),
                            "kk": expansion_table(self._analyzers["kk"], KK_THESAURUS)}
        key_ids: dict[tuple[str, str], int] = {}
        self._key_of_chunk = np.array([key_ids.setdefault((c.act_id, c.article), len(key_ids)) for c in data.chunks],
                                      dtype=np.int64)
        self._key_of_doc = np.array([key_ids.setdefault((d.act_id, d.article), len(key_ids)) for d in data.lexical_docs],
                                    dtype=np.int64)
        self.keys = list(key_ids)
        self._chunk_lang = np.array([c.lang for c in data.chunks])
        self._chunk_act = np.array([c.act_id for c in data.chunks])
        self._chunk_repealed = np.array([c.repealed for c in data.chunks], dtype=bool)
        self._chunk_is_title = np.array([c.kind == "title" for c in data.chunks], dtype=bool)
        self._doc_lang = np.array([d.lang for d in data.lexical_docs])
        self._doc_act = np.array([d.act_id for d in data.lexical_docs])
        self._doc_repealed = np.array([d.repealed for d in data.lexical_docs], dtype=bool)
        self._act_langs: dict[str, set[str]] = {}
        for c in data.chunks:
            self._act_langs.setdefault(c.act_id, set()).add(c.lang)
        self._act_langs_all = {c.lang for c in data.chunks}
        self._pool_cache: dict[str, list[np.ndarray]] = {}
        self._chunks_of_key: dict[int, list[int]] = {}
        for i, key in enumerate(self._key_of_chunk.tolist()):
            self._chunks_of_key.setdefault(key, []).append(i)

    # --- construction ---------------------------------------------------------------

    @classmethod
    def load(cls, index_dir: str | Path | None = None, config: RetrievalConfig | None = None,
             embedder: str | None = None, store_dir: str | Path | None = None) -> "Searcher":
        """Load the index at ``index_dir`` (default: $KZLEGAL_HOME/index) for searching.

        The index is refused when the corpus store (``store_dir``, default $KZLEGAL_HOME/corpus) has
        changed since the index was built, or when ``embedder`` is given and differs from the index's.
        The corpus articles themselves are read only when :attr:`store` is first used.
        """
        from corpora.store import MANIFEST_FILE, default_store_dir
        from retrieval.embedders import load_embedder

        config = config or load_retrieval_config()
        index_dir = Path(index_dir or config.index_dir or default_index_dir())
        manifest = read_manifest(index_dir)
        store_dir = Path(store_dir or config.store_dir or default_store_dir())
        store_manifest = store_dir / MANIFEST_FILE
        corpus_hash = None
        if store_manifest.is_file():
            corpus_hash = json.loads(store_manifest.read_text(encoding="utf-8")).get("content_hash")
        check_compatible(manifest, corpus_hash, embedder, where=f"at {index_dir}")
        data = load_index(index_dir)
        return cls(data, load_embedder(data.manifest["embedder"]["id"]), config, store_dir=store_dir)

    @property
    def store(self) -> CorpusStore:
        """The corpus store the index was built from (loaded on first use)."""
        if self._store is None:
            self._store = load_store(self._store_dir)
        return self._store

    # --- searching ------------------------------------------------------------------

    def search(self, query: str, k: int = 10, act: str | Sequence[str] | None = None, lang: str | None = None,
               include_repealed: bool = False) -> list[Hit]:
        """The ``k`` best articles for ``query``; filters: act id(s), language, repealed articles."""
        return self.search_many([query], k, act, lang, include_repealed)[0]

    def _dense_queries(self, query: str) -> list[str]:
        """What the embedder is asked: the question, plus each of its sentences when it has several.

        Everyday questions tell a story and then ask («Уволился 31 августа. Когда должны выплатить
        расчёт?»); each sentence may point at a different article.
        """
        texts = [self._dense_text(query)]
        if self.config.dense_sentences:
            parts = [p.strip() for p in _SENTENCE.split(query) if len(p.strip()) >= 15]
            if len(parts) > 1:
                texts += [self._dense_text(p) for p in parts[: self.config.dense_sentences]]
        return texts

    def _dense_text(self, query: str) -> str:
        """The question as the embedder sees it: as asked, or with the thesaurus's statute words appended."""
        qlang = detect_lang(query)
        terms = self._analyzers[qlang](query)
        extra = expand(terms, self._expansions[qlang]) if self.config.dense_expansion else []
        if qlang == "kk" and self.config.dense_translation:
            extra += translate(terms, self.data.lexicon)
        return f"{query} ({' '.join(extra)})" if extra else query

    def search_many(self, queries: Sequence[str], k: int = 10, act: str | Sequence[str] | None = None,
                    lang: str | None = None, include_repealed: bool = False, batch_size: int = 32) -> list[list[Hit]]:
        """:meth:`search` for many queries, embedding them in batches."""
        out: list[list[Hit]] = []
        for start in range(0, len(queries), batch_size):
            batch = list(queries[start:start + batch_size])
            texts = [self._dense_queries(q) for q in batch]
            vectors = self.embedder.encode_queries([t for ts in texts for t in ts])
            offset = 0
            for q, ts in zip(batch, texts):
                out.append(self._search(q, vectors[offset:offset + len(ts)], k, act, lang, include_repealed))
                offset += len(ts)
        return out

    def _mask(self, acts: np.ndarray, langs: np.ndarray, repealed: np.ndarray, act, lang, include_repealed) -> np.ndarray | None:
        """Boolean mask of allowed elements, or None when everything is allowed."""
        mask = np.ones(len(acts), dtype=bool)
        if act:
            mask &= np.isin(acts, [act] if isinstance(act, str) else list(act))
        if lang:
            mask &= langs == lang
        if not include_repealed:
            mask &= ~repealed
        return None if mask.all() else mask

    def _pools(self, qlang: str, lang: str | None) -> list[np.ndarray] | None:
        """Chunk masks searched apart for a question in ``qlang``, or None for one pool of everything.

        A multilingual embedder finds any text in the question's language closer than most texts in
        another, whatever they say. So each language is ranked on its own: the question's language
        over all acts that have it, every other language only over acts that lack a text in the
        question's language (the same article in two languages would only repeat itself).
        """
        if lang is not None or not self.config.lang_pools or len(self._act_langs_all) < 2:
            return None
        pools = self._pool_cache.get(qlang)
        if pools is None:
            acts_with_qlang = {a for a, langs in self._act_langs.items() if qlang in langs}
            pools = [self._chunk_lang == qlang]
            for other in sorted(self._act_langs_all - {qlang}):
                pool = (self._chunk_lang == other) & ~np.isin(self._chunk_act, sorted(acts_with_qlang))
                if pool.any():
                    pools.append(pool)
            self._pool_cache[qlang] = pools
        return pools

    def dense_ranking(self, qvec: np.ndarray, mask: np.ndarray | None, qlang: str = "ru", lang: str | None = None) -> _Ranked:
        """Articles by their best chunk's similarity to the query; language pools merged by z-score."""
        pools = self._pools(qlang, lang)
        if pools is None:
            return self._dense_pool(qvec, mask)
        if len(pools) == 1:
            return self._dense_pool(qvec, pools[0] if mask is None else pools[0] & mask)
        ids_all, z_all = [], []
        for pool in pools:
            allowed = pool if mask is None else pool & mask
            if not allowed.any():
                continue
            ids, sims = self.data.dense.search(qvec, self.config.candidates, allowed=np.flatnonzero(allowed))
            if len(ids):
                ids_all.append(ids)
                z_all.append((sims - sims.mean()) / (sims.std() + 1e-6))
        if not ids_all:
            return _Ranked([], {}, {})
        ids, z = np.concatenate(ids_all), np.concatenate(z_all)
        order = np.argsort(-z, kind="stable")
        return self._fold(ids[order], self._key_of_chunk, z[order])

    def _dense_pool(self, qvec: np.ndarray, mask: np.ndarray | None) -> _Ranked:
        n = self.config.candidates
        if mask is None:
            ids, sims = self.data.dense.search(qvec, n)
        elif mask.sum() > 0.9 * len(mask):  # only a few excluded (repealed): over-fetch and drop them
            ids, sims = self.data.dense.search(qvec, n + int((~mask).sum()))
            keep = mask[ids]
            ids, sims = ids[keep][:n], sims[keep][:n]
        else:
            ids, sims = self.data.dense.search(qvec, n, allowed=np.flatnonzero(mask))
        return self._fold(ids, self._key_of_chunk, sims)

    def lexical_ranking(self, query: str, qlang: str, mask: np.ndarray | None) -> _Ranked:
        """Articles by their best BM25 document for the analysed query."""
        terms = self._analyzers[qlang](query)
        scores = self.data.lexical.scores(terms)
        if self.config.query_expansion and self.config.expansion_weight > 0:
            extra = expand(terms, self._expansions[qlang])
            if extra:
                scores = scores + self.config.expansion_weight * self.data.lexical.scores(extra)
        if qlang == "kk" and self.config.translation_weight > 0 and self.data.lexicon:
            russian = translate(terms, self.data.lexicon)
            if self.config.query_expansion:
                russian += expand(russian, self._expansions["ru"])
            if russian:
                scores = scores + self.config.translation_weight * self.data.lexical.scores(russian)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        n = min(self.config.candidates, len(scores))
        if n == 0:
            return _Ranked([], {}, {})
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return self._fold(top, self._key_of_doc, scores[top])

    @staticmethod
    def _fold(ids: np.ndarray, key_of: np.ndarray, values: np.ndarray) -> _Ranked:
        """Chunk/document ranking → article ranking, each article at its best element's place."""
        ranked = _Ranked([], {}, {})
        for i, value in zip(ids.tolist(), values.tolist()):
            key = int(key_of[i])
            if key not in ranked.best:
                ranked.best[key] = i
                ranked.scores[key] = value
                ranked.keys.append(key)
        return ranked

    def fuse(self, dense: _Ranked, lexical: _Ranked) -> dict[int, float]:
        """Weighted reciprocal-rank fusion of two article rankings (or, with ``fusion=score``, a sum of z-scores)."""
        cfg = self.config
        scores: dict[int, float] = {}
        for weight, ranked in ((cfg.dense_weight, dense), (cfg.lexical_weight, lexical)):
            if weight <= 0 or not ranked.keys:
                continue
            if cfg.fusion == "score":  # z-scores of the raw scores over the list; absent = the list's minimum
                raw = np.array([ranked.scores[key] for key in ranked.keys])
                z = (raw - raw.mean()) / (raw.std() + 1e-9)
                floor = float(z.min())
                for key, value in zip(ranked.keys, z.tolist()):
                    scores[key] = scores.get(key, 0.0) + weight * (value - floor)
                continue
            for rank, key in enumerate(ranked.keys, 1):
                scores[key] = scores.get(key, 0.0) + weight / (cfg.rrf_k + rank)
        return scores

    def act_prior(self, scores: dict[int, float], depth: int = 30) -> dict[int, float]:
        """Favour the acts the best-scored articles come from: a question is usually about one act.

        Each act's share of the fused score mass among the top ``depth`` articles multiplies its
        articles' scores by (1 + act_prior · share).
        """
        top = sorted(scores, key=lambda key: -scores[key])[:depth]
        mass: dict[str, float] = {}
        for key in top:
            mass[self.keys[key][0]] = mass.get(self.keys[key][0], 0.0) + max(scores[key], 0.0)
        total = sum(mass.values()) or 1.0
        return {key: value * (1.0 + self.config.act_prior * mass.get(self.keys[key][0], 0.0) / total)
                for key, value in scores.items()}

    def _search(self, query: str, qvecs: np.ndarray, k: int, act, lang, include_repealed) -> list[Hit]:
        """One question: ``qvecs`` holds its query vector(s), the question's own first."""
        qlang = detect_lang(query)
        chunk_mask = self._mask(self._chunk_act, self._chunk_lang, self._chunk_repealed, act, lang, include_repealed)
        doc_mask = self._mask(self._doc_act, self._doc_lang, self._doc_repealed, act, lang, include_repealed)
        qvecs = np.atleast_2d(qvecs)
        qvec = qvecs[0]
        dense = _Ranked([], {}, {})
        if self.config.dense_weight > 0:
            rankings = [self.dense_ranking(v, chunk_mask, qlang, lang) for v in qvecs]
            dense = rankings[0] if len(rankings) == 1 else _merge_max(rankings)
        lexical = self.lexical_ranking(query, qlang, doc_mask) if self.config.lexical_weight > 0 else _Ranked([], {}, {})
        scores = self.fuse(dense, lexical)
        if self.config.act_prior > 0 and scores:
            scores = self.act_prior(scores)
        order = sorted(scores, key=lambda key: -scores[key])[:k]
        hits = []
        for rank, key in enumerate(order, 1):
            chunk = self._snippet_chunk(key, qvec, qlang, lang, chunk_mask, dense)
            c = self.data.chunks[chunk]
            hits.append(Hit(act_id=c.act_id, article=c.article, lang=c.lang, title=c.title, score=round(scores[key], 6),
                            snippet=c.body, short_name=c.short_name, point=c.point, rank=rank))
        return hits

    def _snippet_chunk(self, key: int, qvec: np.ndarray, qlang: str, lang: str | None,
                       mask: np.ndarray | None, dense: _Ranked) -> int:
        """The chunk to show for an article: in the chosen language, the one closest to the query."""
        candidates = [c for c in self._chunks_of_key[key] if mask is None or mask[c]] or self._chunks_of_key[key]
        if lang is None:
            langs = {self._chunk_lang[c] for c in candidates}
            chosen = qlang if qlang in langs else (self._chunk_lang[dense.best[key]] if key in dense.best
                                                   else self._chunk_lang[candidates[0]])
        else:
            chosen = lang
        candidates = [c for c in candidates if self._chunk_lang[c] == chosen] or candidates
        with_body = [c for c in candidates if not self._chunk_is_title[c]] or candidates
        sims = self.data.vectors[with_body] @ qvec
        return with_body[int(np.argmax(sims))]


def _merge_max(rankings: list[_Ranked]) -> _Ranked:
    """Article rankings of several query vectors merged: each article at its best score over them."""
    merged = _Ranked([], {}, {})
    for ranked in rankings:
        for key in ranked.keys:
            if key not in merged.scores or ranked.scores[key] > merged.scores[key]:
                merged.scores[key] = ranked.scores[key]
                merged.best[key] = ranked.best[key]
    merged.keys = sorted(merged.scores, key=lambda key: -merged.scores[key])
    return merged


def hits_to_json(hits: list[Hit]) -> list[dict[str, Any]]:
    """Hits as JSON-ready dicts (the `kzlegal search --json` shape)."""
    return [h.to_dict() for h in hits]
