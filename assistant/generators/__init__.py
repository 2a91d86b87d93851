"""Answer generators behind one small interface (see ``base.Generator``).

``make_generator`` imports only the generator asked for, so the extractive path never
imports torch or transformers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.generators.base import Generator, GeneratorError

if TYPE_CHECKING:
    from assistant.config import AssistantConfig


def make_generator(cfg: "AssistantConfig") -> Generator:
    """The generator named by ``cfg.generator``, built from the config."""
    if cfg.generator == "extractive":
        from assistant.generators.extractive import ExtractiveGenerator

        return ExtractiveGenerator(max_articles=cfg.extractive_articles, max_points=cfg.extractive_points,
                                   quote_chars=cfg.extractive_quote_chars)
    if cfg.generator == "hf":
        from assistant.generators.hf import HFGenerator

        return HFGenerator.from_config(cfg)
    if cfg.generator == "openai":
        from assistant.generators.openai import OpenAIGenerator

        return OpenAIGenerator.from_config(cfg)
    from assistant.config import AssistantError

    raise AssistantError(f"unknown generator {cfg.generator!r} (extractive, hf, openai)")


__all__ = ["Generator", "GeneratorError", "make_generator"]
