"""Retrieval speed on this machine: index build, index load, query latency, citation parse+resolve.

    python bench/retrieval_speed.py                  # latency over the index at .kzlegal/index
    python bench/retrieval_speed.py --build          # also build a fresh index from scratch (slow: embeds everything)

Query latency is wall time of ``Searcher.search`` for one question at a time, query embedding
included, over the questions of zann-bench-open and bench/data/labour_dev.jsonl (repeated to
``--queries`` questions, after a few warm-up queries). Prints a table and writes JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpora.atomic import write_json  # noqa: E402
from corpora.store import load_store  # noqa: E402
from retrieval.config import default_index_dir, load_retrieval_config  # noqa: E402

CITATION_TEXTS = [
    "Согласно ст. 28 ТК РК трудовой договор должен содержать условия оплаты труда.",
    "См. пп. 1 п. 1 ст. 52 Трудового кодекса и п. 2 статьи 54 ТК РК.",
    "Продавец обязан ответить в срок, установленный статьей 42-4 Закона о защите прав потребителей.",
    "ЕК 88-бабына сәйкес жыл сайынғы демалыс 24 күнтізбелік күн.",
    "В ответе нет ссылок на законы.",
]


def questions(paths: list[Path]) -> list[str]:
    out = []
    for p in paths:
        if p.is_file():
            out += [json.loads(line)["question"] for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, help="index directory (default: .kzlegal/index)")
    ap.add_argument("--store", type=Path, help="corpus store (default: .kzlegal/corpus)")
    ap.add_argument("--build", action="store_true", help="build a fresh index into a temporary directory and time it")
    ap.add_argument("--queries", type=int, default=300, help="number of single-query searches to time")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "retrieval_speed.json")
    args = ap.parse_args()

    from retrieval.embedders import load_embedder
    from retrieval.index import build_index, read_manifest, save_index
    from retrieval.search import Searcher

    cfg = load_retrieval_config()
    index_dir = Path(args.index or cfg.index_dir or default_index_dir())
    result: dict = {"cpus": os.cpu_count()}
    if args.build:
        store = load_store(args.store)
        embedder = load_embedder(cfg.embedder)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            data, report = build_index(store, cfg, embedder, progress=True)
            save_index(data, Path(tmp) / "index")
            result["build"] = {**report.to_dict(), "with_save_seconds": round(time.perf_counter() - t0, 2)}
    else:
        result["build"] = read_manifest(index_dir).get("build")  # what `kzlegal index build` recorded

    t0 = time.perf_counter()
    searcher = Searcher.load(index_dir, config=cfg, store_dir=args.store)
    result["load_seconds"] = round(time.perf_counter() - t0, 3)
    qs = questions([REPO.parent / "shared" / "datasets" / "zann-bench-open.jsonl", REPO / "bench" / "data" / "labour_dev.jsonl"])
    qs = [q for q in qs if len(q) < 400] or ["Сколько дней ежегодного оплачиваемого отпуска?"]
    t0 = time.perf_counter()
    searcher.search(qs[0], k=10)
    result["first_query_seconds"] = round(time.perf_counter() - t0, 3)
    for q in qs[1:6]:
        searcher.search(q, k=10)
    total, embed = [], []
    for i in range(args.queries):
        q = qs[i % len(qs)]
        t0 = time.perf_counter()
        searcher.embedder.encode_queries([q])
        embed.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        searcher.search(q, k=10)
        total.append(time.perf_counter() - t0)
    result["query_ms"] = {"n": len(total), "p50": round(pct(total, 50), 2), "p90": round(pct(total, 90), 2),
                          "p99": round(pct(total, 99), 2), "embed_p50": round(pct(embed, 50), 2)}
    try:
        from retrieval.resolve import resolve_text

        store = searcher.store
        for text in CITATION_TEXTS:
            resolve_text(text, store)
        times = []
        for i in range(2000):
            t0 = time.perf_counter()
            resolve_text(CITATION_TEXTS[i % len(CITATION_TEXTS)], store)
            times.append(time.perf_counter() - t0)
        result["cite_ms"] = {"n": len(times), "p50": round(pct(times, 50), 4), "p99": round(pct(times, 99), 4)}
    except ImportError as exc:  # the citation modules are another package's work
        result["cite_ms"] = {"error": str(exc)}
    result["index"] = {k: v for k, v in searcher.data.manifest.items() if k in ("embedder", "chunking", "lexical", "dense", "counts")}

    b = result["build"] or {}
    print(f"{'metric':<34}{'value':>12}")
    rows = [("chunks", b.get("chunks")), ("build: embedded chunks", b.get("embedded")),
            ("build: embed seconds", b.get("embed_seconds")), ("build: total seconds", b.get("total_seconds")),
            ("build: chunks/s", b.get("chunks_per_s")), ("index load seconds", result["load_seconds"]),
            ("first query seconds", result["first_query_seconds"]),
            ("query p50 ms", result["query_ms"]["p50"]), ("query p99 ms", result["query_ms"]["p99"]),
            ("query embedding p50 ms", result["query_ms"]["embed_p50"]),
            ("cite parse+resolve p50 ms", result["cite_ms"].get("p50")), ("cite parse+resolve p99 ms", result["cite_ms"].get("p99"))]
    for name, value in rows:
        print(f"{name:<34}{value if value is not None else '-':>12}")
    write_json(args.out, result)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
