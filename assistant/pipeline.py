"""The answer pipeline: language → retrieval → prompt → generation → citations found and verified.

``Assistant`` holds what is expensive to load (the search index, the corpus store, the
generator's model) and loads each once, on first use; answering a question then costs a search,
a prompt and a generation. Nothing here imports torch: the ``hf`` generator does, when chosen.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from typing import Any, Callable, Sequence

from assistant.config import AssistantConfig, AssistantError
from assistant.generators.base import GeneratorError
from assistant.language import detect_language
from assistant.prompt import Prompt, PromptBuilder
from assistant.types import Answer, CitationCheck, Source

ERROR_TEXT = {
    "ru": "Не удалось получить ответ генератора «{name}»: {error}. Ниже — найденные статьи.",
    "kk": "«{name}» генераторынан жауап алынбады: {error}. Төменде табылған баптар берілген.",
}


class QuestionError(AssistantError):
    """An empty or over-long question."""


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000.0, 1)


class Assistant:
    """Answers legal questions from retrieved articles and verifies every citation in the answer.

    ``searcher`` is a ``retrieval.search.Searcher`` (loaded from ``config.index_dir`` on first use
    when not given); ``store`` is the corpus store used to verify citations (the searcher's by
    default); ``generator`` follows ``assistant.generators.base.Generator``.
    """

    def __init__(self, config: AssistantConfig | None = None, searcher: Any = None, store: Any = None,
                 generator: Any = None):
        self.config = (config or AssistantConfig()).validate()
        self._searcher = searcher
        self._store = store
        self._generator = generator

    # --- what is loaded once ------------------------------------------------------------

    @property
    def searcher(self) -> Any:
        if self._searcher is None:
            from retrieval.search import Searcher

            self._searcher = Searcher.load(self.config.index_dir, store_dir=self.config.store_dir)
        return self._searcher

    @property
    def store(self) -> Any:
        """The corpus store citations are checked against."""
        if self._store is None:
            if self._searcher is not None or self.config.retrieval:
                self._store = self.searcher.store
            else:
                from corpora.store import load_store

                self._store = load_store(self.config.store_dir)
        return self._store

    @property
    def generator(self) -> Any:
        if self._generator is None:
            from assistant.generators import make_generator

            self._generator = make_generator(self.config)
        return self._generator

    def with_config(self, **changes: Any) -> "Assistant":
        """An assistant with some settings changed that shares this one's index and store (and its
        generator, unless the generator settings changed)."""
        cfg = replace(self.config, **changes).validate()
        generator_keys = {"generator", "hf_model", "adapter", "hf_device", "hf_load_in_4bit", "prompt_format",
                          "openai_base_url", "openai_model", "openai_api_key_env", "max_new_tokens", "temperature",
                          "extractive_articles", "extractive_points", "extractive_quote_chars"}
        same_generator = all(getattr(cfg, k) == getattr(self.config, k) for k in generator_keys)
        # a shared generator is loaded here, once, so that every derived assistant reuses its model
        return Assistant(cfg, self._searcher, self._store, self.generator if same_generator else None)

    # --- the steps --------------------------------------------------------------------

    def check_question(self, question: str) -> str:
        """The question stripped; empty or over-long questions are refused with a clear message."""
        if question is None or not str(question).strip():
            raise QuestionError("the question is empty; ask something, e.g. «Как оформить смену фамилии работника?»")
        q = str(question).strip()
        if len(q) < self.config.min_question_chars:
            raise QuestionError(f"the question is too short ({len(q)} characters; at least {self.config.min_question_chars})")
        if len(q) > self.config.max_question_chars:
            raise QuestionError(
                f"the question is too long ({len(q)} characters; the limit is {self.config.max_question_chars}, "
                "max_question_chars in configs/assistant.yaml)"
            )
        return q

    def retrieve(self, question: str, k: int, act: str | None, lang: str) -> list[Any]:
        """The ``k`` best articles, in the question's language where the act has a text in it."""
        hits = self.searcher.search(question, k=k, act=act, lang=lang, include_repealed=self.config.include_repealed)
        if not hits:  # e.g. a Kazakh question about an act with only a Russian text
            hits = self.searcher.search(question, k=k, act=act, lang=None, include_repealed=self.config.include_repealed)
        return hits

    def sources(self, hits: Sequence[Any]) -> list[Source]:
        out = []
        for h in hits:
            article = self.store.get(h.act_id, h.article, h.lang)
            out.append(Source(act_id=h.act_id, article=h.article, title=h.title, score=float(h.score), lang=h.lang,
                              short_name=h.short_name, rank=h.rank,
                              repealed=bool(article.repealed) if article else False, snippet=h.snippet))
        return out

    def build_prompt(self, question: str, lang: str, hits: Sequence[Any], retrieval: bool,
                     history: Sequence[tuple[str, str]] = ()) -> Prompt:
        generator = self.generator
        counter = getattr(generator, "count_tokens", None)
        budget = self.config.prompt_budget_tokens
        model_limit = getattr(generator, "max_prompt_tokens", None)  # a local model's context minus the answer
        if model_limit:
            budget = min(budget, model_limit)
        builder = PromptBuilder(budget, counter) if counter else PromptBuilder(budget)
        articles = []
        for h in hits:
            article = self.store.get(h.act_id, h.article, h.lang)
            if article is not None:
                articles.append((article, float(h.score)))
        return builder.build(question, lang, articles, retrieval=retrieval, history=history)

    def default_act(self, act: str | None, sources: Sequence[Source]) -> str | None:
        """The act a citation without an act name («п. 2 ст. 33») refers to: the filter's, or that of
        every source when they all come from one act."""
        if act:
            return act
        acts = {s.act_id for s in sources}
        return acts.pop() if len(acts) == 1 else None

    def verify(self, text: str, sources: Sequence[Source], lang: str, default_act: str | None = None) -> list[CitationCheck]:
        """Every citation in ``text``: does it exist in the corpus, was it retrieved, is it repealed?"""
        from retrieval.citations import find_citations
        from retrieval.resolve import resolve

        retrieved = {s.key for s in sources}
        checks: list[CitationCheck] = []
        seen: set[tuple] = set()
        refs = []
        for paragraph in re.split(r"\n[ \t]*\n", text):
            # «настоящего Кодекса» inside a quotation means the act cited at the start of its paragraph
            found = find_citations(paragraph, default_act=default_act)
            lead_act = next((r.act_id for r in found if r.act_id), None)
            if lead_act and lead_act != default_act:
                found = find_citations(paragraph, default_act=lead_act)
            refs += found
        for ref in refs:
            key = (ref.act_id, ref.article, ref.point, ref.subpoint)
            if key in seen:
                continue
            seen.add(key)
            res = resolve(ref, self.store, lang=lang)
            quote = None
            if res.article is not None:
                quote = res.point_text if res.point_text is not None else res.article.text
            checks.append(CitationCheck(
                act_id=ref.act_id, article=ref.article, point=ref.point, subpoint=ref.subpoint, status=res.status,
                retrieved=(ref.act_id, ref.article) in retrieved, text=ref.text, message=res.message,
                title=res.article.title if res.article is not None else None, quote=quote,
            ))
        return checks

    def lookup(self, text: str, lang: str | None = None) -> list[Any]:
        """Citations in ``text`` («пп. 1 п. 1 ст. 28 ТК РК») resolved against the corpus (for /cite and the app)."""
        from retrieval.resolve import resolve_text

        if not text or not text.strip():
            raise QuestionError("nothing to look up: paste a citation such as «пп. 1) п. 1 ст. 28 ТК РК»")
        return resolve_text(text, self.store, default_act=self.config.act, lang=lang)

    def _generate_with_timeout(self, prompt: Prompt, on_text: Callable[[str], None] | None,
                               timeout: float) -> tuple[str | None, str | None]:
        """(text, None) or (None, error message). The generator runs in a daemon thread so that a hung
        model or server can be abandoned after ``timeout`` seconds without keeping the process alive."""
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                result["text"] = self._generate(prompt, on_text)
            except Exception as exc:  # a broken model or server must not take the sources down with it
                result["error"] = f"{type(exc).__name__}: {exc}"

        worker = threading.Thread(target=run, name="kzlegal-generate", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            return None, f"timed out after {timeout:g} s"
        if "error" in result:
            return None, result["error"]
        return result.get("text") or "", None

    def _generate(self, prompt: Prompt, on_text: Callable[[str], None] | None) -> str:
        generator = self.generator
        if on_text is None:
            return generator.generate(prompt)
        pieces = []
        for piece in generator.stream(prompt):
            pieces.append(piece)
            on_text(piece)
        return "".join(pieces)

    # --- the whole pipeline -----------------------------------------------------------

    def _error_answer(self, answer: Answer, error: str, t0: float) -> Answer:
        """``answer`` as an error answer: the message in the question's language, the sources kept."""
        answer.error = error
        answer.text = ERROR_TEXT.get(answer.lang, ERROR_TEXT["ru"]).format(name=self.config.generator, error=error)
        answer.citations = []
        answer.timings["total_ms"] = _ms(t0)
        return answer

    def answer(self, question: str, k: int | None = None, act: str | None = None, retrieval: bool | None = None,
               history: Sequence[tuple[str, str]] = (), lang: str | None = None,
               on_text: Callable[[str], None] | None = None) -> Answer:
        """Answer ``question``; see the module docstring. Bad questions raise ``QuestionError``;
        a generator failure or timeout returns an ``Answer`` with ``error`` set and the sources kept."""
        t0 = time.perf_counter()
        cfg = self.config
        k = cfg.k if k is None else k
        act = cfg.act if act is None else (act or None)
        retrieval = cfg.retrieval if retrieval is None else retrieval
        if k < 1:
            raise AssistantError(f"k must be at least 1; got {k}")
        timings: dict[str, float] = {}
        question = self.check_question(question)

        t = time.perf_counter()
        lang = lang or detect_language(question)
        timings["language_ms"] = _ms(t)

        t = time.perf_counter()
        hits = self.retrieve(question, k, act, lang) if retrieval else []
        timings["retrieve_ms"] = _ms(t)
        sources = self.sources(hits)

        answer = Answer(question=question, text="", lang=lang, sources=sources, generator=cfg.generator,
                        retrieval=retrieval, k=k, timings=timings)
        t = time.perf_counter()
        try:
            prompt = self.build_prompt(question, lang, hits, retrieval, history)
        except GeneratorError as exc:  # the model's tokenizer or config could not be loaded
            return self._error_answer(answer, str(exc), t0)
        timings["prompt_ms"] = _ms(t)
        answer.prompt_trimmed = prompt.trimmed

        t = time.perf_counter()
        text, error = self._generate_with_timeout(prompt, on_text, cfg.generator_timeout_s)
        answer.error = error
        timings["generate_ms"] = _ms(t)
        if answer.error is not None:
            return self._error_answer(answer, answer.error, t0)
        answer.text = text.strip()

        t = time.perf_counter()
        answer.citations = self.verify(answer.text, sources, lang, self.default_act(act, sources))
        timings["verify_ms"] = _ms(t)
        timings["total_ms"] = _ms(t0)
        return answer


def load_assistant(config_path: str | None = None, overrides: dict[str, Any] | None = None) -> Assistant:
    """An ``Assistant`` from configs/assistant.yaml (or ``config_path``) and overrides."""
    from assistant.config import load_assistant_config

    return Assistant(load_assistant_config(config_path, overrides))
