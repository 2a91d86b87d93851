"""`kzlegal eval answers|retrieval` and `bench`'s config errors, through the real CLI root."""
from __future__ import annotations

import json
import sys

import pytest

from assistant.cli import main

REF = "Чтобы охватить разные категории пользователей — онлайн и офлайн."
PRED = "Чтобы обеспечить доступность информации как онлайн, так и офлайн."


def _run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["kzlegal", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def predictions(tmp_path):
    f = tmp_path / "preds.jsonl"
    rows = [
        {"id": "a", "prediction": PRED, "reference": REF},
        {"id": "b", "prediction": "Да.", "reference": "да.", "question": "Жұмыскер қайда?"},
    ]
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return f


def test_answers_json_and_per_item_output(monkeypatch, capsys, predictions, tmp_path):
    out_file = tmp_path / "items.jsonl"
    code, out, _ = _run(monkeypatch, capsys, "eval", "answers", "--predictions", str(predictions),
                        "--metrics", "seed", "--json", "--out", str(out_file), "bootstrap_resamples=100")
    assert code == 0
    payload = json.loads(out)
    assert payload["n"] == 2 and payload["metrics_set"] == "seed"
    assert payload["mean"]["token_f1"] == pytest.approx((1 / 3 + 1.0) / 2)
    assert payload["mean"]["exact_match"] == 0.5
    assert set(payload["ci"]) == set(payload["mean"])
    assert payload["by_lang"]["kk"]["n"] == 1 and payload["by_lang"]["ru"]["mean"]["exact_match"] == 0.0
    items = [json.loads(line) for line in out_file.read_text(encoding="utf-8").splitlines()]
    assert [i["id"] for i in items] == ["a", "b"]
    assert round(items[0]["metrics"]["token_f1"], 4) == 0.3333


def test_answers_table_output(monkeypatch, capsys, predictions):
    code, out, _ = _run(monkeypatch, capsys, "eval", "answers", "--predictions", str(predictions), "bootstrap_resamples=50")
    assert code == 0 and "token_f1" in out and "66.67 %" in out


def test_bad_line_is_a_clean_error(monkeypatch, capsys, tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": 1, "prediction": "а", "reference": "б"}\n{"id": 2, "prediction": "а"}\n', encoding="utf-8")
    code, out, err = _run(monkeypatch, capsys, "eval", "answers", "--predictions", str(f))
    assert code == 2
    assert f"{f}:2: missing field 'reference'" in err and "Traceback" not in err


def test_bad_override_is_a_clean_error(monkeypatch, capsys, predictions):
    code, _, err = _run(monkeypatch, capsys, "eval", "answers", "--predictions", str(predictions), "no_such_key=1")
    assert code == 2 and "no_such_key" in err


def test_retrieval_without_index_is_a_clean_error(monkeypatch, capsys, tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"id": "q", "question": "?", "citations": [{"act_id": "A", "article": "1"}]}) + "\n")
    monkeypatch.setenv("KZLEGAL_HOME", str(tmp_path / "home"))
    code, _, err = _run(monkeypatch, capsys, "eval", "retrieval", "--questions", str(f), "--index", str(tmp_path / "none"))
    assert code == 2 and err.startswith("error:")


def test_bench_bad_config_is_a_clean_error(monkeypatch, capsys, tmp_path):
    cfg = tmp_path / "ablation.yaml"
    cfg.write_text("generators: [gpt]\n", encoding="utf-8")
    code, _, err = _run(monkeypatch, capsys, "bench", "--config", str(cfg))
    assert code == 2 and err.startswith("error:") and "generators" in err
    code, _, err = _run(monkeypatch, capsys, "bench", "--config", str(cfg), "sample_size=many")
    assert code == 2 and "sample_size" in err
