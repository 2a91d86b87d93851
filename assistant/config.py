"""The assistant package's one config object (``configs/assistant.yaml``), with CLI ``key=value`` overrides.

The ``openai`` generator's API key is never stored here: ``openai_api_key_env`` names the
environment variable it is read from at request time.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpora.errors import KzlegalError
from corpora.settings import CONFIG_DIR, load_config

GENERATORS = ("extractive", "hf", "openai")


class AssistantError(KzlegalError):
    """A question, config or generator the assistant cannot use as asked."""


@dataclass
class AssistantConfig:
    """How a question is answered: generator, retrieval depth, prompt budget, limits."""

    generator: str = "extractive"  # extractive | hf | openai
    k: int = 5  # articles retrieved per question
    retrieval: bool = True  # False: the model answers alone (ablation)
    act: str | None = None  # adilet code to restrict retrieval to, e.g. K1500000414
    include_repealed: bool = False
    index_dir: str | None = None  # None: $KZLEGAL_HOME/index
    store_dir: str | None = None  # None: the store the index was built from
    # --- question limits
    min_question_chars: int = 3
    max_question_chars: int = 2000
    # --- prompt
    prompt_budget_tokens: int = 3000  # system + question + articles must fit in this
    max_new_tokens: int = 512
    temperature: float = 0.0
    generator_timeout_s: float = 120.0  # a generator taking longer gives an error answer
    # --- extractive
    extractive_articles: int = 3  # how many top articles it quotes from
    extractive_points: int = 4  # how many points/sub-points it quotes in all
    extractive_quote_chars: int = 600  # longer quotes are cut at paragraph/sentence ends with «[…]»
    # --- hf
    hf_model: str | None = None  # model dir or hub id; None: the adapter run's base model
    adapter: str | None = None  # a `kzlegal train` run directory (adapter + resolved config)
    hf_device: str = "auto"  # auto | cpu | cuda
    hf_load_in_4bit: bool = True  # NF4 on CUDA (needs bitsandbytes); ignored on CPU
    prompt_format: str | None = None  # alpaca | chat; None: the adapter's recorded recipe, else chat
    # --- openai-compatible server
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = "kzlegal"
    openai_api_key_env: str = "KZLEGAL_OPENAI_API_KEY"  # the key is read from this variable (then OPENAI_API_KEY)
    openai_timeout_s: float = 120.0
    # --- chat
    history_turns: int = 3  # earlier (question, answer) pairs a chat keeps for follow-ups

    def validate(self, origin: str = "config") -> "AssistantConfig":
        """Refuse values the assistant cannot honour, naming the key."""
        if self.generator not in GENERATORS:
            raise AssistantError(f"{origin}: generator must be one of {', '.join(GENERATORS)}; got {self.generator!r}")
        if self.k < 1 or self.k > 50:
            raise AssistantError(f"{origin}: k must be between 1 and 50; got {self.k}")
        if self.prompt_budget_tokens < 200:
            raise AssistantError(f"{origin}: prompt_budget_tokens must be at least 200; got {self.prompt_budget_tokens}")
        if self.prompt_format not in (None, "alpaca", "chat"):
            raise AssistantError(f"{origin}: prompt_format must be alpaca or chat; got {self.prompt_format!r}")
        if self.min_question_chars < 1 or self.max_question_chars < self.min_question_chars:
            raise AssistantError(f"{origin}: need 1 <= min_question_chars <= max_question_chars")
        return self


def default_config_path() -> Path | None:
    path = CONFIG_DIR / "assistant.yaml"
    return path if path.is_file() else None


def load_assistant_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> AssistantConfig:
    """configs/assistant.yaml (or ``path``) with non-None ``overrides`` applied, checked."""
    if path is None:
        path = default_config_path()
    cfg = load_config(AssistantConfig, path, {k: v for k, v in (overrides or {}).items() if v is not None})
    return cfg.validate(str(path) if path else "config")
