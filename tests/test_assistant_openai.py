"""The openai generator against a real OpenAI-compatible HTTP server on localhost (assistant.serve)
serving a tiny random transformers model: no mock in between."""
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

pytest.importorskip("transformers")

from assistant.config import AssistantConfig  # noqa: E402
from assistant.generators.base import GeneratorError  # noqa: E402
from assistant.generators.openai import OpenAIGenerator  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.prompt import PromptBuilder  # noqa: E402
from assistant.testing import build_test_home, build_tiny_model, invented_articles, test_searcher  # noqa: E402

pytestmark = pytest.mark.slow
KEY_ENV = "KZLEGAL_TEST_SERVER_KEY"
SECRET = "sk-test-4f9a1c2b7e"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    model_dir = build_tiny_model(tmp_path_factory.mktemp("tiny-model"))
    port = _free_port()
    env = dict(os.environ, **{KEY_ENV: SECRET})
    proc = subprocess.Popen([sys.executable, "-m", "assistant.serve", "--model", str(model_dir), "--port", str(port),
                             "--name", "tiny", "--api-key-env", KEY_ENV],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"server exited: {proc.stdout.read()}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise AssertionError("server did not start")
            time.sleep(0.3)
        yield f"{url}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def with_key(monkeypatch):
    monkeypatch.setenv("KZLEGAL_OPENAI_API_KEY", SECRET)


def _prompt():
    art = next(a for a in invented_articles() if a.article == "68")
    return PromptBuilder(3000).build("Сколько дней отпуска?", "ru", [(art, 1.0)])


def test_models_endpoint_lists_the_model(server):
    r = httpx.get(f"{server}/models", headers={"Authorization": f"Bearer {SECRET}"})
    assert r.json()["data"][0]["id"] == "tiny"


def test_chat_completion_through_the_generator(server, with_key):
    gen = OpenAIGenerator(server, "tiny", max_new_tokens=6)
    text = gen.generate(_prompt())
    assert isinstance(text, str)
    pieces = list(gen.stream(_prompt()))
    assert all(isinstance(p, str) for p in pieces)


def test_completions_endpoint(server):
    r = httpx.post(f"{server}/completions", json={"model": "tiny", "prompt": "Статья 1.", "max_tokens": 4},
                   headers={"Authorization": f"Bearer {SECRET}"}, timeout=60)
    assert r.status_code == 200 and r.json()["object"] == "text_completion"


def test_wrong_key_is_refused_and_never_shown(server, monkeypatch):
    monkeypatch.setenv("KZLEGAL_OPENAI_API_KEY", "sk-wrong-key-0000")
    gen = OpenAIGenerator(server, "tiny")
    with pytest.raises(GeneratorError, match="HTTP 401") as info:
        gen.generate(_prompt())
    assert "sk-wrong-key-0000" not in str(info.value)
    assert "sk-wrong-key-0000" not in repr(gen) and "api_key=<set" in repr(gen)


def test_pipeline_with_openai_generator(server, with_key, tmp_path):
    home = build_test_home(tmp_path / "home")
    cfg = AssistantConfig(generator="openai", openai_base_url=server, openai_model="tiny", max_new_tokens=6)
    answer = Assistant(cfg, searcher=test_searcher(home)).answer("Сколько дней отпуска положено работнику?")
    assert answer.ok, answer.error
    assert answer.sources and answer.generator == "openai"
    assert SECRET not in str(answer.to_dict())


def test_server_down_gives_an_error_answer(with_key, tmp_path):
    home = build_test_home(tmp_path / "home")
    cfg = AssistantConfig(generator="openai", openai_base_url=f"http://127.0.0.1:{_free_port()}/v1", openai_timeout_s=5)
    answer = Assistant(cfg, searcher=test_searcher(home)).answer("Сколько дней отпуска положено работнику?")
    assert answer.error and "cannot reach the server" in answer.error
    assert answer.sources
    assert SECRET not in answer.text
