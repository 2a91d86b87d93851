"""BM25 alone under different text analyses: Russian lemmas vs stems, Kazakh suffix stripping vs prefixes.

Builds BM25-only indexes in memory from the corpus store (no embeddings needed) and scores them
on zann-bench-open (Russian questions; Kazakh questions citing the Labour Code, the one act
with a Kazakh text) and bench/data/labour_dev.jsonl. Prints a table and writes JSON.

    python bench/retrieval_lexical.py
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpora.atomic import write_json  # noqa: E402
from corpora.store import load_store  # noqa: E402
from retrieval.config import RetrievalConfig  # noqa: E402
from retrieval.embedders import HashEmbedder  # noqa: E402
from retrieval.index import build_index  # noqa: E402
from retrieval.search import Searcher  # noqa: E402
from retrieval_quality import load_questions, score  # noqa: E402

VARIANTS = [
    {"ru_analyzer": "pymorphy", "kk_analyzer": "suffix"},
    {"ru_analyzer": "snowball", "kk_analyzer": "suffix"},
    {"ru_analyzer": "none", "kk_analyzer": "suffix"},
    {"ru_analyzer": "pymorphy", "kk_analyzer": "prefix5"},
    {"ru_analyzer": "pymorphy", "kk_analyzer": "prefix6"},
    {"ru_analyzer": "pymorphy", "kk_analyzer": "none"},
    {"ru_analyzer": "pymorphy", "kk_analyzer": "suffix", "query_expansion": False},
    {"ru_analyzer": "pymorphy", "kk_analyzer": "suffix", "lexical_unit": "chunk"},
]


def main() -> None:
    store = load_store(sys.argv[1] if len(sys.argv) > 1 else None)
    zann = load_questions(REPO.parent / "shared" / "datasets" / "zann-bench-open.jsonl", store.act_ids())
    labour = load_questions(REPO / "bench" / "data" / "labour_dev.jsonl", store.act_ids())
    sets = {"zann ru": [q for q in zann if q["lang"] != "kk"],
            "kk labour": [q for q in zann + labour if q["lang"] == "kk" and any(c["act_id"] == "K1500000414" for c in q["citations"])],
            "labour-dev ru": [q for q in labour if q["lang"] != "kk"]}
    embedder = HashEmbedder(8)  # dense is switched off; the index still needs vectors
    rows = []
    for variant in VARIANTS:
        cfg = RetrievalConfig(dense_weight=0.0, gloss_weight=0.0, title_chunks=False, **variant)
        data, _ = build_index(store, cfg, embedder)
        searcher = Searcher(data, embedder, cfg, store=store)
        row = {"variant": variant}
        for name, qs in sets.items():
            row[name] = {m: round(v, 3) for m, v in score(searcher, qs)[0].items()}
        rows.append(row)
        label = " ".join(f"{k}={v}" for k, v in variant.items())
        print(f"{label:<62}" + "  ".join(f"{n}: R@10 {row[n]['recall@10']:.3f} MRR {row[n]['mrr']:.3f}" for n in sets), flush=True)
    out = REPO / "docs" / "retrieval_lexical.json"
    write_json(out, {"n": {k: len(v) for k, v in sets.items()}, "rows": rows})
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
