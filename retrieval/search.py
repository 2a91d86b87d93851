"""Hybrid search: dense (FAISS) and lexical (BM25) rankings fused by reciprocal rank, one hit per article.

Both rankings are first folded to article level — an article ranks by its best chunk (dense) or
its best BM25 document — with the Russian and Kazakh texts of one article counted as one article.
Reciprocal-rank fusion then scores article ``a`` as

    w_dense / (rrf_k + rank_dense(a)) + w_lexical / (rrf_k + rank_lexical(a))

(a list the article is absent from adds nothing). A Kazakh question adds a third list,
``w_gloss / (rrf_k + rank_gloss(a))``: its Russian gloss (:mod:`retrieval.glossary`, the learned
lexicon) embedded and searched over Russian chunks only, since most acts have no Kazakh text and a
small multilingual embedder prefers any Kazakh text to the right Russian one. When the index holds
example questions (:mod:`retrieval.examples`), the articles they cite, ranked by the examples'
similarity-weighted votes, are a fourth list, ``w_example / (rrf_k + rank_example(a))``, unless the
dense and BM25 lists agree on their top article (then the statute text has answered).
The hit's language is the filter's, else the question's when the article has a text in it, else
that of its best chunk; its snippet is the chunk of that text closest to the question.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from corpora.store import CorpusStore, load_store
from retrieval.analysis import analyzer, detect_lang, tokens
from retrieval.crosslingual import translate
from retrieval.glossary import gloss, glossary_table
from retrieval.config import RetrievalConfig, default_index_dir, load_retrieval_config
from retrieval.index import IndexData, check_compatible, load_index, read_manifest
from retrieval.thesaurus import KK_THESAURUS, RU_THESAURUS, expand, expansion_table
from retrieval.types import Hit


@dataclass
class Question:
    """A question as the searcher uses it (see :meth:`Searcher.analyse`)."""

    text: str
    lang: str  # "ru" | "kk", by its letters
    terms: list[str]  # lemmas / stems, stopwords dropped
    extra: list[str]  # the statute's words for its everyday ones (thesaurus)
    russian: list[str]  # a Kazakh question's Russian gloss (glossary + learned lexicon); [] for Russian


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
        self._glossary = glossary_table(self._analyzers["ru"])
        key_ids: dict[tuple[str, str], int] = {}
        self._key_of_chunk = np.array([key_ids.setdefault((c.act_id, c.article), len(key_ids)) for c in data.chunks],
                                      dtype=np.int64)
        self._key_of_doc = np.array([key_ids.setdefault((d.act_id, d.article), len(key_ids)) for d in data.lexical_docs],
                                    dtype=np.int64)
        self.keys = list(key_ids)
        self._key_id = key_ids
        self._chunk_lang = np.array([c.lang for c in data.chunks])
        self._chunk_act = np.array([c.act_id for c in data.chunks])
        self._chunk_repealed = np.array([c.repealed for c in data.chunks], dtype=bool)
        self._chunk_is_title = np.array([c.kind == "title" for c in data.chunks], dtype=bool)
        self._doc_lang = np.array([d.lang for d in data.lexical_docs])
        self._doc_act = np.array([d.act_id for d in data.lexical_docs])
        self._doc_repealed = np.array([d.repealed for d in data.lexical_docs], dtype=bool)
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

    def analyse(self, query: str) -> Question:
        """The question once analysed: its language, terms, thesaurus terms and (Kazakh) Russian gloss."""
        lang = detect_lang(query)
        terms = self._analyzers[lang](query)
        extra = expand(terms, self._expansions[lang])
        russian: list[str] = []
        if lang == "kk":
            # the glossary matches word beginnings itself; the stemmer can cut too deep («қайтаруға» → «қай»)
            russian = gloss(tokens(query) + terms, self._glossary)
            russian += [t for t in translate(terms, self.data.lexicon) if t not in russian]
            if self.config.query_expansion:
                russian += expand(russian, self._expansions["ru"])
        return Question(query, lang, terms, extra, russian)

    def _dense_text(self, q: Question) -> str:
        """The question as the embedder sees it: as asked, or with the thesaurus's statute words appended."""
        return f"{q.text} ({' '.join(q.extra)})" if q.extra and self.config.dense_expansion else q.text

    def _gloss_text(self, q: Question) -> str | None:
        """What the embedder is asked in Russian for a Kazakh question (None for a Russian one)."""
        if self.config.gloss_weight <= 0 or not q.russian:
            return None
        return " ".join(q.russian)

    def search_many(self, queries: Sequence[str], k: int = 10, act: str | Sequence[str] | None = None,
                    lang: str | None = None, include_repealed: bool = False, batch_size: int = 32) -> list[list[Hit]]:
        """:meth:`search` for many queries, embedding them in batches."""
        out: list[list[Hit]] = []
        for start in range(0, len(queries), batch_size):
            batch = [self.analyse(q) for q in queries[start:start + batch_size]]
            glosses = [self._gloss_text(q) for q in batch]
            vectors = self.embedder.encode_queries([self._dense_text(q) for q in batch] + [g for g in glosses if g])
            gloss_row = len(batch)
            for i, (q, g) in enumerate(zip(batch, glosses)):
                gloss_vec = None
                if g:
                    gloss_vec, gloss_row = vectors[gloss_row], gloss_row + 1
                out.append(self._search(q, vectors[i], k, act, lang, include_repealed, gloss_vec))
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

    def dense_ranking(self, qvec: np.ndarray, mask: np.ndarray | None) -> _Ranked:
        """Articles by their best chunk's similarity to the query vector."""
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

    def lexical_ranking(self, q: Question, mask: np.ndarray | None) -> _Ranked:
        """Articles by their best BM25 document for the analysed question."""
        scores = self.data.lexical.scores(q.terms)
        if q.extra and self.config.query_expansion and self.config.expansion_weight > 0:
            scores = scores + self.config.expansion_weight * self.data.lexical.scores(q.extra)
        if q.russian and self.config.translation_weight > 0:
            scores = scores + self.config.translation_weight * self.data.lexical.scores(q.russian)
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

    def _texts_agree(self, dense: _Ranked, lexical: _Ranked) -> bool:
        """Whether the statute texts answered clearly: each list's top article is in the other's top ``example_gate``.

        The example questions' votes act as a prior over the articles everyday questions need; a
        practitioner's precise question, on which the embedder and BM25 agree, must not be pulled
        toward them (measured: docs/retrieval.md, "Example questions").
        """
        g = self.config.example_gate
        return (g > 0 and bool(dense.keys) and bool(lexical.keys)
                and dense.keys[0] in lexical.keys[:g] and lexical.keys[0] in dense.keys[:g])

    def example_ranking(self, qvec: np.ndarray, mask: np.ndarray | None) -> _Ranked:
        """Articles by the votes of the example questions closest to the query vector (allowed chunks only)."""
        bank = self.data.examples
        if not bank or self.config.example_weight <= 0:
            return _Ranked([], {}, {})
        votes = {}
        for article, vote in bank.votes(qvec, self.config.example_tau).items():
            key = self._key_id.get(article)
            # only the voted articles' chunks are looked at: a few hundred, not the whole mask
            if key is not None and (mask is None or mask[self._chunks_of_key.get(key, [])].any()):
                votes[key] = vote
        return _Ranked(sorted(votes, key=lambda key: -votes[key]), {}, votes)

    def fuse(self, dense: _Ranked, lexical: _Ranked, glossed: _Ranked | None = None,
             examples: _Ranked | None = None) -> dict[int, float]:
        """Weighted reciprocal-rank fusion of the article rankings (or, with ``fusion=score``, a sum of z-scores)."""
        cfg = self.config
        scores: dict[int, float] = {}
        lists = [(cfg.dense_weight, dense), (cfg.lexical_weight, lexical)]
        if glossed is not None:
            lists.append((cfg.gloss_weight, glossed))
        if examples is not None:
            lists.append((cfg.example_weight, examples))
        for weight, ranked in lists:
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

    def _search(self, q: Question, qvec: np.ndarray, k: int, act, lang, include_repealed,
                gloss_vec: np.ndarray | None = None) -> list[Hit]:
        """One question with its query vector; ``gloss_vec`` is a Kazakh question's Russian gloss,
        searched over Russian chunks only."""
        qlang = q.lang
        chunk_mask = self._mask(self._chunk_act, self._chunk_lang, self._chunk_repealed, act, lang, include_repealed)
        doc_mask = self._mask(self._doc_act, self._doc_lang, self._doc_repealed, act, lang, include_repealed)
        dense = self.dense_ranking(qvec, chunk_mask) if self.config.dense_weight > 0 else _Ranked([], {}, {})
        lexical = self.lexical_ranking(q, doc_mask) if self.config.lexical_weight > 0 else _Ranked([], {}, {})
        glossed = None
        if gloss_vec is not None and lang in (None, "ru"):
            ru_mask = self._chunk_lang == "ru" if chunk_mask is None else chunk_mask & (self._chunk_lang == "ru")
            glossed = self.dense_ranking(gloss_vec, ru_mask) if ru_mask.any() else None
        examples = None if self._texts_agree(dense, lexical) else self.example_ranking(qvec, chunk_mask)
        scores = self.fuse(dense, lexical, glossed, examples)
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


def hits_to_json(hits: list[Hit]) -> list[dict[str, Any]]:
    """Hits as JSON-ready dicts (the `kzlegal search --json` shape)."""
    return [h.to_dict() for h in hits]
