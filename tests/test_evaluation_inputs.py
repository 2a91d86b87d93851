"""Reading predictions and labelled questions; bad lines name the file and line."""
from __future__ import annotations

import json

import pytest

from corpora.errors import KzlegalError
from evaluation.inputs import detect_lang, load_predictions, load_questions


def _write(path, lines):
    path.write_text("\n".join(l if isinstance(l, str) else json.dumps(l, ensure_ascii=False) for l in lines) + "\n",
                    encoding="utf-8")
    return path


def test_detect_lang():
    assert detect_lang("Комиссия мүшесі қандай құжаттарды зерттей алады?") == "kk"
    assert detect_lang("ІСТІҢ") == "kk"
    assert detect_lang("Работник поменял фамилию.") == "ru"
    assert detect_lang("") == "ru"


def test_load_predictions_fills_lang_and_domain(tmp_path):
    f = _write(tmp_path / "p.jsonl", [
        {"id": 1, "prediction": "а", "reference": "б", "question": "Құжаттар қайда?"},
        "",
        {"id": "x", "prediction": "а", "reference": "б", "lang": "ru", "category": "labour",
         "citations": [{"act_id": "K1500000414", "article": 28}]},
    ])
    items = load_predictions(f)
    assert [i["id"] for i in items] == ["1", "x"]
    assert items[0]["lang"] == "kk" and items[0]["domain"] is None
    assert items[1]["domain"] == "labour"
    assert items[1]["citations"] == [{"act_id": "K1500000414", "article": "28"}]


@pytest.mark.parametrize("bad, message", [
    ('{"id": 1, "prediction": "а"', "not valid JSON"),
    ('[1, 2]', "expected a JSON object"),
    ({"id": 1, "reference": "б"}, "missing field 'prediction'"),
    ({"prediction": "а", "reference": "б"}, "missing field 'id'"),
    ({"id": 1, "prediction": 5, "reference": "б"}, "'prediction' must be a string"),
    ({"id": 1, "prediction": "а", "reference": "б", "citations": [{"article": "1"}]}, "citations[0]"),
])
def test_bad_prediction_lines_name_file_and_line(tmp_path, bad, message):
    f = _write(tmp_path / "p.jsonl", [{"id": 0, "prediction": "а", "reference": "б"}, bad])
    with pytest.raises(KzlegalError) as err:
        load_predictions(f)
    assert f"{f}:2" in str(err.value) and message in str(err.value)


def test_missing_or_empty_file(tmp_path):
    with pytest.raises(KzlegalError, match="no such file"):
        load_predictions(tmp_path / "absent.jsonl")
    with pytest.raises(KzlegalError, match="no predictions"):
        load_predictions(_write(tmp_path / "e.jsonl", [""]))


def test_load_questions_requires_a_citations_list(tmp_path):
    good = {"id": "q1", "question": "Можно вернуть пылесос?", "citations": [{"act_id": "Z100000274_", "article": "30"}],
            "category": "consumer"}
    items = load_questions(_write(tmp_path / "q.jsonl", [good]))
    assert items[0]["domain"] == "consumer" and items[0]["lang"] == "ru"
    assert load_questions(_write(tmp_path / "e.jsonl", [dict(good, citations=[])]))[0]["citations"] == []
    f = _write(tmp_path / "bad.jsonl", [good, {"id": "q2", "question": "?"}])
    with pytest.raises(KzlegalError, match=r"bad\.jsonl:2: missing field 'citations'"):
        load_questions(f)
