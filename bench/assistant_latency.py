"""Wall-clock latency of `kzlegal ask` (process start included) and of its stages.

    python bench/assistant_latency.py [--runs 5] [--out bench/results/assistant_latency.json] [QUESTION ...]

Runs `kzlegal ask QUESTION --json` as a fresh process ``--runs`` times per question against the
index in $KZLEGAL_HOME, prints a table (median / max wall time, median stage timings) and writes
JSON. Needs a built corpus store and index (`kzlegal corpus build && kzlegal index build`).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpora.atomic import write_json

DEFAULT_QUESTIONS = ["Работник поменял фамилию. Как оформить?", "Жұмыскер тегін ауыстырды. Қалай рәсімдеу керек?"]


def run_once(question: str, extra: list[str]) -> tuple[float, dict]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", question, "--json", *extra],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"kzlegal ask failed ({proc.returncode}): {proc.stderr.strip()}")
    return wall, json.loads(proc.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", nargs="*", default=DEFAULT_QUESTIONS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/assistant_latency.json"))
    args, extra = parser.parse_known_args()
    rows = []
    for q in args.questions:
        walls, stages = [], []
        for _ in range(args.runs):
            wall, data = run_once(q, extra)
            walls.append(wall)
            stages.append(data["timings"])
        keys = stages[0].keys()
        rows.append({
            "question": q, "runs": args.runs, "wall_s_median": round(statistics.median(walls), 3),
            "wall_s_max": round(max(walls), 3),
            "stages_ms_median": {k: round(statistics.median(s[k] for s in stages), 1) for k in keys},
            "citations": [(c["act_id"], c["article"], c["point"], c["subpoint"], c["status"]) for c in data["citations"]],
        })
    print(f"{'question':<50} {'wall median s':>14} {'wall max s':>11}  stages (median ms)")
    for r in rows:
        stages = ", ".join(f"{k.removesuffix('_ms')} {v:g}" for k, v in r["stages_ms_median"].items())
        print(f"{r['question'][:50]:<50} {r['wall_s_median']:>14.3f} {r['wall_s_max']:>11.3f}  {stages}")
    write_json(args.out, rows)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
