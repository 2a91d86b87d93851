"""The answer pipeline over a real (hash-embedder) index of a small invented corpus: verification,
languages, modes, and the error paths (bad questions, failing and hanging generators)."""
import time

import pytest

from assistant.config import AssistantConfig
from assistant.pipeline import Assistant, QuestionError
from assistant.testing import LABOUR, build_test_home, test_searcher


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return build_test_home(tmp_path_factory.mktemp("assistant-home"))


@pytest.fixture
def assistant(home):
    return Assistant(AssistantConfig(), searcher=test_searcher(home))


class FixedGenerator:
    """A generator whose answer is given: to check what the pipeline does with any model's text."""

    name = "fixed"

    def __init__(self, text):
        self.text = text

    def generate(self, prompt):
        return self.text

    def stream(self, prompt):
        yield self.text


class FailingGenerator:
    name = "failing"

    def generate(self, prompt):
        raise ConnectionError("server at 127.0.0.1:9 refused the connection")

    def stream(self, prompt):
        raise ConnectionError("refused")


class SlowGenerator:
    name = "slow"

    def generate(self, prompt):
        time.sleep(5)
        return "too late"

    def stream(self, prompt):
        yield self.generate(prompt)


def test_extractive_answer_cites_and_verifies(assistant):
    answer = assistant.answer("Работник поменял фамилию. Как оформить?")
    assert answer.ok and answer.lang == "ru"
    cited = {(c.act_id, c.article) for c in answer.citations}
    assert (LABOUR, "28") in cited or (LABOUR, "33") in cited
    assert answer.citations and all(c.status == "ok" and c.retrieved for c in answer.citations)
    assert answer.sources and answer.sources[0].rank == 1
    for stage in ("language_ms", "retrieve_ms", "prompt_ms", "generate_ms", "verify_ms", "total_ms"):
        assert stage in answer.timings
    d = answer.to_dict()
    assert set(d) >= {"answer", "lang", "citations", "sources", "timings"}
    assert set(d["citations"][0]) >= {"act_id", "article", "point", "status", "retrieved"}
    assert set(d["sources"][0]) >= {"act_id", "article", "title", "score"}


def test_kazakh_question_gets_kazakh_answer_from_kazakh_articles(assistant):
    answer = assistant.answer("Жұмыскердің тегі өзгерді. Еңбек шартын қалай өзгерту керек?")
    assert answer.lang == "kk"
    assert answer.text.startswith("Сұрағыңызға")
    assert all(s.lang == "kk" for s in answer.sources)
    assert answer.citations and all(c.status == "ok" for c in answer.citations)


def test_nonexistent_and_repealed_articles_are_flagged(home):
    text = "Согласно ст. 999 ТК РК и ст. 12 ТК РК, а также п. 7 ст. 28 ТК РК. См. ст. 68 ТК РК."
    assistant = Assistant(AssistantConfig(), searcher=test_searcher(home), generator=FixedGenerator(text))
    answer = assistant.answer("Сколько дней отпуска положено?")
    status = {c.article + (f".{c.point}" if c.point else ""): c.status for c in answer.citations}
    assert status["999"] == "no_such_article"
    assert status["12"] == "repealed"
    assert status["28.7"] == "no_such_point"
    assert status["68"] == "ok"
    assert not answer.all_verified


def test_existing_article_not_among_retrieved_is_marked_so(home):
    assistant = Assistant(AssistantConfig(k=1), searcher=test_searcher(home),
                          generator=FixedGenerator("Ответ: ст. 30 Закона о защите прав потребителей и ст. 68 ТК РК."))
    answer = assistant.answer("Сколько дней длится ежегодный оплачиваемый трудовой отпуск?", act=LABOUR)
    by_article = {c.article: c for c in answer.citations}
    assert by_article["68"].retrieved and by_article["68"].status == "ok"
    assert by_article["30"].status == "ok" and not by_article["30"].retrieved


def test_act_filter_and_k(assistant):
    answer = assistant.answer("Может ли потребитель вернуть товар?", k=2, act="Z100000274_")
    assert [s.act_id for s in answer.sources] == ["Z100000274_"]
    answer = assistant.answer("Работник поменял фамилию", k=2)
    assert len(answer.sources) == 2


def test_no_retrieval_mode_has_no_sources(home):
    seen = {}

    class Recording(FixedGenerator):
        def generate(self, prompt):
            seen["user"] = prompt.user
            return super().generate(prompt)

    assistant = Assistant(AssistantConfig(), searcher=test_searcher(home), generator=Recording("См. ст. 28 ТК РК."))
    answer = assistant.answer("Работник поменял фамилию", retrieval=False)
    assert answer.sources == [] and not answer.retrieval
    assert "<articles>" not in seen["user"]
    assert answer.citations[0].status == "ok" and not answer.citations[0].retrieved


@pytest.mark.parametrize("question, message", [
    ("", "empty"), ("   \n ", "empty"), ("аб", "too short"), ("вопрос " * 500, "too long"),
])
def test_bad_questions_are_clear_errors(assistant, question, message):
    with pytest.raises(QuestionError, match=message):
        assistant.answer(question)


def test_generator_failure_returns_error_answer_with_sources(home):
    assistant = Assistant(AssistantConfig(), searcher=test_searcher(home), generator=FailingGenerator())
    answer = assistant.answer("Работник поменял фамилию. Как оформить?")
    assert answer.error and "refused" in answer.error
    assert answer.sources  # the retrieved articles are still shown
    assert answer.citations == []
    assert "найденные статьи" in answer.text


def test_generator_timeout_returns_error_answer(home):
    cfg = AssistantConfig(generator_timeout_s=0.3)
    assistant = Assistant(cfg, searcher=test_searcher(home), generator=SlowGenerator())
    t = time.perf_counter()
    answer = assistant.answer("Работник поменял фамилию. Как оформить?")
    assert time.perf_counter() - t < 3
    assert answer.error and "timed out" in answer.error
    assert answer.sources


def test_streaming_callback_gets_the_text(home):
    pieces = []
    assistant = Assistant(AssistantConfig(), searcher=test_searcher(home), generator=FixedGenerator("См. ст. 68 ТК РК."))
    answer = assistant.answer("Сколько дней отпуска?", on_text=pieces.append)
    assert "".join(pieces) == answer.text


def test_lookup_resolves_a_pasted_citation(assistant):
    [res] = assistant.lookup("пп. 1 п. 1 ст. 28 ТК РК")
    assert res.status == "ok" and "фамилия" in res.point_text
    with pytest.raises(QuestionError):
        assistant.lookup("  ")


def test_with_config_shares_index_and_generator(assistant):
    other = assistant.with_config(k=2)
    assert other.searcher is assistant.searcher
    assert other.generator is assistant.generator
    assert assistant.with_config(generator="openai").generator is not assistant.generator
