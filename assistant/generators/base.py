"""The generator interface: a built ``Prompt`` in, answer text out (optionally as a stream of pieces)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Protocol, runtime_checkable

from corpora.errors import KzlegalError

if TYPE_CHECKING:
    from assistant.prompt import Prompt


class GeneratorError(KzlegalError):
    """The generator could not produce an answer (model missing, server down, timeout)."""


@runtime_checkable
class Generator(Protocol):
    """Anything that turns a prompt into answer text.

    ``generate`` returns the whole answer; ``stream`` yields it in pieces as they are produced
    (generators that cannot stream yield the whole answer once).
    """

    name: str

    def generate(self, prompt: "Prompt") -> str: ...

    def stream(self, prompt: "Prompt") -> Iterator[str]: ...
