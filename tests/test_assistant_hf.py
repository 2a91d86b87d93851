"""The hf generator with a tiny random model and a LoRA adapter in a run directory like `kzlegal train` writes."""
import json

import pytest

pytest.importorskip("transformers")
pytest.importorskip("peft")

from assistant.config import AssistantConfig  # noqa: E402
from assistant.generators.base import GeneratorError  # noqa: E402
from assistant.generators.hf import HFGenerator, read_run  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.prompt import PromptBuilder  # noqa: E402
from assistant.testing import build_test_home, build_tiny_run, invented_articles, test_searcher  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return build_tiny_run(tmp_path_factory.mktemp("tiny-run"), prompt_format="alpaca")


@pytest.fixture(scope="module")
def generator(run_dir):
    return HFGenerator.from_config(AssistantConfig(generator="hf", adapter=str(run_dir), max_new_tokens=8))


def _prompt(count_tokens=None):
    art = next(a for a in invented_articles() if a.article == "28" and a.lang == "ru")
    builder = PromptBuilder(2000, count_tokens) if count_tokens else PromptBuilder(2000)
    return builder.build("Работник поменял фамилию", "ru", [(art, 1.0)])


def test_read_run_finds_adapter_base_and_recipe(run_dir):
    info = read_run(run_dir)
    assert info["adapter"] == str(run_dir)
    assert info["base_model"] == str(run_dir / "base")
    assert info["prompt_format"] == "alpaca"


def test_read_run_refuses_a_non_run(tmp_path):
    with pytest.raises(GeneratorError, match="adapter_config.json"):
        read_run(tmp_path)


def test_prompt_follows_the_recorded_recipe(generator, run_dir):
    text = generator.format(_prompt())
    assert text.startswith("Below is an instruction")
    assert "### Input:\n<articles>" in text and text.endswith("### Response:\n")
    cfg = json.loads((run_dir / "resolved_config.json").read_text())
    chat = HFGenerator(model=str(run_dir / "base"), adapter=str(run_dir), prompt_format="chat")
    assert cfg["prompt_format"] == "alpaca"
    assert chat.format(_prompt()).rstrip().endswith("</think>")


def test_streams_tokens_with_the_adapter(generator):
    pieces = list(generator.stream(_prompt(generator.count_tokens)))
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert type(generator.model()).__name__.startswith("Peft")
    assert generator.device() == "cpu"


def test_pipeline_with_hf_generator(tmp_path, run_dir):
    home = build_test_home(tmp_path / "home")
    cfg = AssistantConfig(generator="hf", adapter=str(run_dir), max_new_tokens=8)
    answer = Assistant(cfg, searcher=test_searcher(home)).answer("Работник поменял фамилию. Как оформить?")
    assert answer.ok, answer.error
    assert answer.generator == "hf" and answer.sources


def test_missing_model_is_an_error_answer(tmp_path):
    home = build_test_home(tmp_path / "home")
    cfg = AssistantConfig(generator="hf", hf_model=str(tmp_path / "no-model"))
    answer = Assistant(cfg, searcher=test_searcher(home)).answer("Работник поменял фамилию. Как оформить?")
    assert answer.error and answer.sources
