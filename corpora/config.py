"""The corpora package's one config object."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from corpora.settings import CONFIG_DIR, home_dir, load_config

#: Where a user's clone of github.com/kazakhstan-law/codes is looked for when neither
#: --source nor KZLEGAL_CORPUS_SOURCE is given (`kzlegal corpus fetch` clones it there).
DEFAULT_SOURCE = "kazakhstan-law-codes"
CODES_REPO_URL = "https://github.com/kazakhstan-law/codes.git"


@dataclass
class CorpusConfig:
    """Where the statute texts come from, which acts to take, and where the store goes."""

    source: str | None = None  # None: $KZLEGAL_CORPUS_SOURCE, then DEFAULT_SOURCE
    out: str | None = None  # None: $KZLEGAL_HOME/corpus
    acts: list[str] = field(default_factory=list)  # adilet codes; empty = every act in the source
    langs: list[str] = field(default_factory=list)  # "ru", "kk"; empty = both
    repo_url: str = CODES_REPO_URL

    def resolved_source(self) -> Path:
        """--source, then $KZLEGAL_CORPUS_SOURCE, then ./kazakhstan-law-codes."""
        return Path(self.source or os.environ.get("KZLEGAL_CORPUS_SOURCE") or DEFAULT_SOURCE)

    def resolved_out(self) -> Path:
        return Path(self.out) if self.out else home_dir() / "corpus"


def load_corpus_config(path: str | Path | None = None, **overrides) -> CorpusConfig:
    """configs/corpora.yaml (or ``path``) with non-None overrides applied."""
    if path is None and (CONFIG_DIR / "corpora.yaml").is_file():
        path = CONFIG_DIR / "corpora.yaml"
    return load_config(CorpusConfig, path, {k: v for k, v in overrides.items() if v is not None})
