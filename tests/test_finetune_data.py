"""Data loading and validation: every bad line is reported with its number, the split is stable."""
from __future__ import annotations

import json

import pytest

from finetune.config import FinetuneError
from finetune.data import detect_language, in_validation, load_samples, split_samples


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rec(instruction="Какой срок?", input="", output="Три года согласно статье 5.", **extra):
    return json.dumps({"instruction": instruction, "input": input, "output": output, **extra}, ensure_ascii=False)


def test_each_problem_is_counted_with_its_line(tmp_path):
    path = write_lines(
        tmp_path / "d.jsonl",
        [
            rec("Вопрос 1?"),                                   # 1 ok
            '{"instruction": "broken", "input": ""',           # 2 malformed JSON
            json.dumps({"instruction": "Нет ответа?", "input": ""}, ensure_ascii=False),  # 3 missing output
            rec("Пустой ответ?", output="   "),                 # 4 empty output
            rec("", output="Ответ"),                            # 5 empty instruction
            json.dumps({"instruction": "Число?", "input": "", "output": 5}),  # 6 non-string output
            "[1, 2]",                                           # 7 not an object
            rec("Вопрос 1?"),                                   # 8 duplicate of line 1
            "",                                                 # 9 blank: skipped silently
            rec("Вопрос 2?", input="Контекст статьи"),          # 10 ok
        ],
    )
    samples, report = load_samples(path)
    assert [s.line for s in samples] == [1, 10]
    found = {kind: issue.lines for kind, issue in report.issues.items()}
    assert found == {
        "malformed_json": [2],
        "missing_output": [3],
        "empty_output": [4],
        "empty_instruction": [5],
        "non_string_output": [6],
        "not_an_object": [7],
        "duplicate": [8],
    }
    assert report.lines_read == 9 and report.kept == 2
    assert "line 1" in report.issues["duplicate"].example
    assert any("malformed_json: 1 (lines 2)" in row for row in report.lines_summary())


def test_null_input_is_empty_and_input_may_be_empty(tmp_path):
    path = write_lines(tmp_path / "d.jsonl", [json.dumps({"instruction": "Вопрос?", "input": None, "output": "Ответ."}, ensure_ascii=False)])
    samples, _ = load_samples(path)
    assert samples[0].input == ""


def test_file_without_usable_samples_is_an_error_naming_the_file(tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", ["not json", rec(output="")])
    with pytest.raises(FinetuneError, match="bad.jsonl: no usable samples"):
        load_samples(path)
    with pytest.raises(FinetuneError, match="not found"):
        load_samples(tmp_path / "missing.jsonl")


def test_language_detection_uses_kazakh_letters():
    assert detect_language("Еңбек шарты жазбаша нысанда жасалады.") == "kk"
    assert detect_language("Трудовой договор заключается в письменной форме.") == "ru"
    # one Kazakh letter in a long Russian text (a quoted name) stays Russian
    assert detect_language("Трудовой договор заключается в письменной форме между работником и работодателем. " * 3 + "Қ") == "ru"
    assert detect_language("An English sentence.") == "other"


def test_language_statistics(tmp_path):
    path = write_lines(tmp_path / "d.jsonl", [rec("Сұрақ қандай?", output="Жауап мынадай."), rec("Вопрос какой?"), rec("Ещё вопрос?")])
    _, report = load_samples(path)
    assert report.languages["kk"]["samples"] == 1 and report.languages["ru"]["samples"] == 2
    assert report.languages["ru"]["share"] == pytest.approx(2 / 3, abs=1e-3)


def test_split_is_stable_and_independent_of_order(tmp_path):
    lines = [rec(f"Вопрос номер {i}?", output=f"Ответ {i}.") for i in range(400)]
    samples, _ = load_samples(write_lines(tmp_path / "a.jsonl", lines))
    shuffled, _ = load_samples(write_lines(tmp_path / "b.jsonl", list(reversed(lines))))
    train, valid = split_samples(samples, 0.1)
    _, valid_again = split_samples(shuffled, 0.1)
    assert {s.key() for s in valid} == {s.key() for s in valid_again}
    assert 20 <= len(valid) <= 60 and len(train) + len(valid) == 400
    assert not any(in_validation(s, 0.0) for s in samples)


def test_hf_dataset_folder_is_validated_like_jsonl(tmp_path):
    datasets = pytest.importorskip("datasets")
    rows = [{"instruction": "Вопрос?", "input": "", "output": "Ответ."}, {"instruction": "Пусто?", "input": "", "output": ""}]
    datasets.Dataset.from_list(rows).save_to_disk(str(tmp_path / "ds"))
    samples, report = load_samples(tmp_path / "ds")
    assert len(samples) == 1 and report.issues["empty_output"].lines == [2]


@pytest.mark.shared
def test_shared_alpaca_file_report(alpaca_file):
    samples, report = load_samples(alpaca_file)
    assert report.lines_read == 3605
    assert report.kept == len(samples) == 3605 - report.issues["duplicate"].count
    assert set(report.languages) <= {"ru", "kk", "other"}
    assert report.languages["kk"]["samples"] > 0 and report.languages["ru"]["samples"] > 0
