"""Retrieval quality of BM25 alone, dense alone and their fusion, on labelled questions.

Questions are JSONL rows ``{"id", "lang", "question", "citations": [{"act_id", "article"}]}``:
``zann-bench-open.jsonl`` from ../shared (only questions citing at least one act in the index,
scored against the cited articles of indexed acts) and our own Labour Code dev set
(bench/data/labour_dev.jsonl). Prints a table, writes JSON and a bar chart.

Modes: ``bm25`` and ``dense`` alone, their ``fusion`` (the statute texts only), and ``+examples``:
the fusion plus the votes of the index's example questions (retrieval/examples.py). The example
bank usually holds zann-bench-open itself, so ``+examples`` is cross-fitted: each half of a
question set is scored with a bank from which every question of that half has been removed.

    python bench/retrieval_quality.py                       # index at .kzlegal/index
    python bench/retrieval_quality.py --split half          # dev/test halves of zann (overfitting check)
    python bench/retrieval_quality.py dense_weight=1.5      # query-time config overrides
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpora.atomic import write_json  # noqa: E402
from corpora.settings import parse_overrides  # noqa: E402
from evaluation.retrieval_metrics import retrieval_scores  # noqa: E402
from retrieval.config import load_retrieval_config  # noqa: E402
from retrieval.examples import left_out  # noqa: E402
from retrieval.search import Searcher  # noqa: E402

METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")
MODES = {"bm25": {"dense_weight": 0.0, "gloss_weight": 0.0, "example_weight": 0.0},
         "dense": {"lexical_weight": 0.0, "example_weight": 0.0},
         "fusion": {"example_weight": 0.0},
         "+examples": {}}


def load_questions(path: Path, act_ids: set[str]) -> list[dict]:
    """Questions citing at least one indexed act, with their labels cut down to indexed acts."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        cites = [c for c in q.get("citations", []) if c["act_id"] in act_ids]
        if cites:
            out.append({**q, "citations": cites})
    return out


def half(q: dict) -> str:
    """A stable dev/test split of a question by the hash of its id."""
    return "dev" if int(hashlib.md5(str(q["id"]).encode()).hexdigest(), 16) % 2 == 0 else "test"


def score(searcher: Searcher, questions: list[dict], k: int = 10) -> tuple[dict[str, float], list[dict]]:
    """Mean and per-question scores; the example bank never holds a question of the half being scored."""
    results: dict[str, list] = {}
    for part in ("dev", "test"):
        subset = [q for q in questions if half(q) == part]
        with left_out(searcher.data, [q["question"] for q in subset]):
            for q, hits in zip(subset, searcher.search_many([q["question"] for q in subset], k=k)):
                results[q["id"]] = hits
    rows = []
    for q in questions:
        hits = results[q["id"]]
        relevant = {(c["act_id"], str(c["article"])) for c in q["citations"]}
        rows.append({"id": q["id"], "lang": q.get("lang"), **retrieval_scores([(h.act_id, h.article) for h in hits], relevant, k)})
    means = {m: float(np.mean([r[m] for r in rows])) for m in METRICS} if rows else {}
    return means, rows


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = list(results)
    fig, axes = plt.subplots(1, len(sets), figsize=(6 * len(sets), 4), squeeze=False)
    for ax, name in zip(axes[0], sets):
        width = 0.8 / len(MODES)
        for i, mode in enumerate(MODES):
            vals = [results[name][mode][m] for m in METRICS]
            bars = ax.bar(np.arange(len(METRICS)) + i * width, vals, width, label=mode)
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
        ax.set_xticks(np.arange(len(METRICS)) + width * (len(MODES) - 1) / 2, METRICS)
        ax.set_ylim(0, 1)
        ax.set_title(f"{name} (n={results[name]['n']})")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, help="index directory (default: .kzlegal/index)")
    ap.add_argument("--store", type=Path, help="corpus store (default: .kzlegal/corpus)")
    ap.add_argument("--zann", type=Path, default=REPO.parent / "shared" / "datasets" / "zann-bench-open.jsonl")
    ap.add_argument("--labour", type=Path, default=REPO / "bench" / "data" / "labour_dev.jsonl")
    ap.add_argument("--split", choices=["none", "half"], default="none", help="also score zann's dev/test halves")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated: bm25,dense,fusion,+examples")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "retrieval_quality.json")
    ap.add_argument("--plot", type=Path, default=REPO / "docs" / "retrieval_quality.png")
    ap.add_argument("overrides", nargs="*", help="query-time config overrides key=value")
    args = ap.parse_args()

    overrides = parse_overrides(args.overrides)
    base = load_retrieval_config(None, overrides)
    searcher = Searcher.load(args.index, config=base, store_dir=args.store)
    act_ids = {d.act_id for d in searcher.data.lexical_docs}
    sets: dict[str, list[dict]] = {}
    if args.zann.is_file():
        zann = load_questions(args.zann, act_ids)
        sets["zann-open"] = zann
        sets["zann-open ru"] = [q for q in zann if q.get("lang") != "kk"]
        sets["zann-open kk"] = [q for q in zann if q.get("lang") == "kk"]
        if args.split == "half":
            sets["zann dev half"] = [q for q in zann if half(q) == "dev"]
            sets["zann test half"] = [q for q in zann if half(q) == "test"]
    if args.labour.is_file():
        sets["labour-dev"] = load_questions(args.labour, act_ids)
    modes = [m for m in args.modes.split(",") if m]
    results: dict[str, dict] = {name: {"n": len(qs)} for name, qs in sets.items()}
    t0 = time.perf_counter()
    for mode in modes:
        searcher.config = load_retrieval_config(None, {**overrides, **MODES[mode]})
        for name, qs in sets.items():
            results[name][mode], _ = score(searcher, qs)
    print(f"{'set':<16}{'n':>5}  {'mode':<10}" + "".join(f"{m:>11}" for m in METRICS))
    for name in sets:
        for mode in modes:
            vals = results[name][mode]
            print(f"{name:<16}{results[name]['n']:>5}  {mode:<10}" + "".join(f"{vals[m]:>11.3f}" for m in METRICS))
    report = {"index": {k: v for k, v in searcher.data.manifest.items() if k != "corpus"}, "overrides": overrides,
              "seconds": round(time.perf_counter() - t0, 1), "results": results}
    write_json(args.out, report)
    if set(modes) == set(MODES):
        plot({k: v for k, v in results.items() if k in ("zann-open", "labour-dev")} or results, args.plot)
        print(f"wrote {args.out} and {args.plot}")


if __name__ == "__main__":
    main()
