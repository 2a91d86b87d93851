"""Speed of the citation parser and resolver over real citing text: the Zann bench references.

Each reference is an answer of 1-5 sentences full of citations («ЗПП ст. 30 п. 1; ст. 14»).
Timed per reference and per sentence: find_citations alone, and find_citations + resolve
against the corpus store. Also reports how well the (act, article) pairs found agree with the
bench's gold citations (the gold lists what an answer must cite, so extra finds are not all wrong).

    python bench/citations_speed.py [--zann FILE] [--store DIR] [--repeat 5] [--out docs/bench/citations_speed.json]

Prints a table and writes JSON (atomically).
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpora.atomic import write_json  # noqa: E402
from corpora.errors import KzlegalError  # noqa: E402
from corpora.store import load_store  # noqa: E402
from retrieval.citations import find_citations  # noqa: E402
from retrieval.resolve import resolve_text  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-ZӘҒҚҢӨҰҮҺІ«(])")


def percentiles(samples_s: list[float]) -> dict[str, float]:
    """p50/p90/p99/mean/max in milliseconds."""
    ms = sorted(s * 1000 for s in samples_s)
    pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
    return {"n": len(ms), "p50_ms": round(pick(0.5), 4), "p90_ms": round(pick(0.9), 4), "p99_ms": round(pick(0.99), 4),
            "mean_ms": round(statistics.fmean(ms), 4), "max_ms": round(ms[-1], 4)}


def timed(fn, texts: list[str], repeat: int) -> list[float]:
    """Per-text time of ``fn(text)``, the best of ``repeat`` runs (less scheduler noise on a shared machine)."""
    out = []
    for text in texts:
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn(text)
            best = min(best, time.perf_counter() - t0)
        out.append(best)
    return out


def agreement(rows: list[dict]) -> dict[str, float]:
    """Precision/recall of the found (act, article) pairs against the gold citations of each row."""
    tp = fp = fn = 0
    for row in rows:
        gold = {(c["act_id"], c["article"]) for c in row["citations"]}
        found = {(r.act_id, r.article) for r in find_citations(row["reference"])}
        tp, fp, fn = tp + len(gold & found), fp + len(found - gold), fn + len(gold - found)
    return {"gold": tp + fn, "found": tp + fp, "precision": round(tp / max(1, tp + fp), 4),
            "recall": round(tp / max(1, tp + fn), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zann", type=Path, default=REPO.parent / "shared" / "datasets" / "zann-bench-open.jsonl")
    ap.add_argument("--store", type=Path, default=None, help="corpus store (default: .kzlegal/corpus)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "bench" / "citations_speed.json")
    args = ap.parse_args()

    rows = [json.loads(line) for line in args.zann.read_text(encoding="utf-8").splitlines() if line.strip()]
    references = [r["reference"] for r in rows]
    sentences = [s for ref in references for s in SENTENCE_END.split(ref) if s.strip()]
    try:
        t0 = time.perf_counter()
        store = load_store(args.store)
        store_load_s = time.perf_counter() - t0
    except KzlegalError as exc:
        sys.exit(f"error: {exc}")

    t0 = time.perf_counter()
    find_citations("ст. 28 ТК РК")  # compiles the act-name patterns
    first_call_s = time.perf_counter() - t0

    results = {
        "parse_reference": percentiles(timed(find_citations, references, args.repeat)),
        "parse_sentence": percentiles(timed(find_citations, sentences, args.repeat)),
        "parse_resolve_sentence": percentiles(timed(lambda t: resolve_text(t, store), sentences, args.repeat)),
        "parse_resolve_reference": percentiles(timed(lambda t: resolve_text(t, store), references, args.repeat)),
    }
    refs_found = sum(len(find_citations(t)) for t in references)
    report = {
        "command": "python bench/citations_speed.py " + " ".join(sys.argv[1:]),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor()},
        "data": {"zann": str(args.zann), "references": len(references), "sentences": len(sentences),
                 "mean_reference_chars": round(statistics.fmean(len(t) for t in references)),
                 "mean_sentence_chars": round(statistics.fmean(len(t) for t in sentences)),
                 "citations_found": refs_found, "store": str(store.path), "store_articles": len(store.articles)},
        "first_call_ms": round(first_call_s * 1000, 1),
        "store_load_ms": round(store_load_s * 1000, 1),
        "repeat": args.repeat,
        "timings": results,
        "zann_agreement": agreement(rows),
    }
    print(f"{len(references)} references ({report['data']['mean_reference_chars']} chars on average), "
          f"{len(sentences)} sentences ({report['data']['mean_sentence_chars']} chars), {refs_found} citations found")
    print(f"first call (compiles patterns): {report['first_call_ms']} ms; store load: {report['store_load_ms']} ms")
    print(f"{'what':<26}{'n':>6}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'mean ms':>10}{'max ms':>10}")
    for name, r in results.items():
        print(f"{name:<26}{r['n']:>6}{r['p50_ms']:>10.3f}{r['p90_ms']:>10.3f}{r['p99_ms']:>10.3f}{r['mean_ms']:>10.3f}{r['max_ms']:>10.3f}")
    a = report["zann_agreement"]
    print(f"Zann gold (act, article): precision {a['precision']:.3f}, recall {a['recall']:.3f} ({a['gold']} gold, {a['found']} found)")
    write_json(args.out, report)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
