"""The results JSON format and the benchmark plots drawn from it."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from corpora.errors import KzlegalError
from evaluation.plots import plots_bench
from evaluation.report import ablation_markdown, summary_markdown
from evaluation.aggregate import aggregate
from evaluation.results import RESULTS_FORMAT, ablation_row, build_results, load_results, write_results

PNG = b"\x89PNG\r\n\x1a\n"


def _items(n=8, shift=0.0):
    return [{"id": str(i), "lang": "kk" if i % 3 == 0 else "ru", "domain": "labour", "gen_time": 1.0 + i / 4,
             "metrics": {"token_f1": min(1.0, i / n + shift), "key_info": (i % 4) / 3,
                         "length_ratio": 0.5, "verified": None if i % 2 else 1.0}}
            for i in range(n)]


def test_results_round_trip_and_plots(tmp_path):
    rows = [ablation_row(g, k, _items(shift=s), n_resamples=50)
            for g, k, s in (("base", 0, 0.0), ("base", 5, 0.1), ("finetuned", 0, 0.05), ("finetuned", 5, 0.2))]
    results = build_results({"model": "tiny"}, _items(), rows, n_resamples=50)
    assert results["total_time"] == pytest.approx(sum(1.0 + i / 4 for i in range(8)))
    assert results["n_defined"] == {"verified": 4}
    write_results(tmp_path, results)
    loaded = load_results(tmp_path)
    assert loaded["format"] == RESULTS_FORMAT and loaded["ablation"][1]["retrieval_k"] == 5
    run = CliRunner().invoke(plots_bench, [str(tmp_path)])
    assert run.exit_code == 0, run.output
    for name in ("benchmark_metrics.png", "key_info_distribution.png", "generation_time.png", "ablation.png"):
        assert (tmp_path / name).read_bytes()[:8] == PNG
    assert "skipped" not in run.output


def test_plots_skip_what_the_results_lack(tmp_path):
    items = [{"id": "1", "metrics": {"token_f1": 0.5}}]
    write_results(tmp_path, build_results({}, items, n_resamples=10))
    run = CliRunner().invoke(plots_bench, [str(tmp_path)])
    assert run.exit_code == 0
    assert (tmp_path / "benchmark_metrics.png").exists()
    assert not (tmp_path / "ablation.png").exists() and "skipped ablation.png" in run.output


def test_load_results_refuses_other_shapes(tmp_path):
    (tmp_path / "results.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(KzlegalError, match="'format'"):
        load_results(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps({"format": RESULTS_FORMAT, "ablation": [{"generator": "x"}]}))
    with pytest.raises(KzlegalError, match=r"ablation\[0\]"):
        load_results(tmp_path)
    with pytest.raises(KzlegalError, match="no results file"):
        load_results(tmp_path / "nowhere")


def test_markdown_tables():
    summary = aggregate(_items(), n_resamples=20)
    md = summary_markdown(summary)
    assert md.splitlines()[0].startswith("| metric | mean | 95 % CI |") and "| token_f1 | 43.75 % |" in md
    rows = [ablation_row("base", 0, _items(), n_resamples=10, with_ci=False)]
    assert "| base | 0 | 8 | 43.75 % |" in ablation_markdown(rows, ["token_f1"])
