"""`kzlegal ask` and `kzlegal chat` end to end over a real index of the invented corpus."""
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.testing import LABOUR, build_test_home

QUESTION = "Работник поменял фамилию. Как оформить?"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_test_home(tmp_path_factory.mktemp("assistant-cli-home"))


@pytest.fixture
def runner(home, monkeypatch):
    monkeypatch.setenv("KZLEGAL_HOME", str(home))
    return CliRunner()


def test_ask_json(runner):
    result = runner.invoke(cli, ["ask", QUESTION, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["lang"] == "ru"
    assert data["citations"] and all(c["status"] == "ok" for c in data["citations"])
    assert {"act_id", "article", "point", "status", "retrieved"} <= set(data["citations"][0])
    assert {"act_id", "article", "title", "score"} <= set(data["sources"][0])
    assert data["timings"]["total_ms"] > 0
    assert any(c["act_id"] == LABOUR for c in data["citations"])


def test_ask_readable_lists_cited_articles(runner):
    result = runner.invoke(cli, ["ask", QUESTION, "-k", "2"])
    assert result.exit_code == 0, result.output
    assert "Цитируемые статьи:" in result.output and "✓" in result.output
    assert "Источники:" in result.output and "k=2" in result.output


def test_ask_no_retrieval_extractive_says_it_needs_articles(runner):
    result = runner.invoke(cli, ["ask", QUESTION, "--no-retrieval", "--json"])
    data = json.loads(result.output)
    assert data["sources"] == [] and data["retrieval"] is False
    assert "без поиска" in data["answer"]


def test_empty_question_is_a_clean_error(home):
    env = dict(os.environ, KZLEGAL_HOME=str(home))
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "  "], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: the question is empty")
    assert "Traceback" not in proc.stderr


def test_bad_override_is_a_clean_error(runner):
    result = runner.invoke(cli, ["ask", QUESTION, "k=zero"], standalone_mode=False)
    assert result.exception is not None and "k" in str(result.exception)


def test_extractive_ask_does_not_import_torch(home):
    code = ("import sys; sys.argv = ['kzlegal', 'ask', %r, '--json']\n"
            "from assistant.cli import main\nmain()\n"
            "print('torch' in sys.modules, 'transformers' in sys.modules, file=sys.stderr)") % QUESTION
    env = dict(os.environ, KZLEGAL_HOME=str(home))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("False False")


def test_chat_session_commands(runner):
    lines = [QUESTION, "/sources", "/cite пп. 1) п. 1 ст. 28 ТК РК", "/lang kk", "/k 2", "/k abc", "/nope",
             "/cite ничего", "/quit"]
    result = runner.invoke(cli, ["chat"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Цитируемые статьи:" in out
    assert "1. ст. " in out  # /sources lists the last answer's articles
    assert "✓ пп. 1) п. 1 ст. 28 ТК РК: ok" in out and "фамилия" in out
    assert "answer language: kk" in out and "k = 2" in out
    assert "usage: /k N" in out and "unknown command /nope" in out
    assert "no citation found" in out


def test_chat_keeps_history_and_survives_errors(home):
    from assistant.chat import ChatSession
    from assistant.config import AssistantConfig
    from assistant.pipeline import Assistant
    from assistant.testing import test_searcher

    session = ChatSession(Assistant(AssistantConfig(history_turns=2), searcher=test_searcher(home)))
    assert session.handle("ab").startswith("error: the question is too short")
    for q in ("Работник поменял фамилию", "Сколько дней отпуска?", "Можно ли вернуть товар?"):
        session.handle(q)
    assert [q for q, _ in session.history] == ["Сколько дней отпуска?", "Можно ли вернуть товар?"]
    session.handle("/clear")
    assert session.history == []
    assert session.handle("/quit") is None
