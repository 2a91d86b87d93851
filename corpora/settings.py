"""Config loading shared by every package: a dataclass filled from YAML, then CLI overrides.

Each package owns exactly one config dataclass (``CorpusConfig``, ``RetrievalConfig``, ...).
This module only knows how to fill one from ``configs/*.yaml`` and ``key=value`` overrides,
so that every command accepts the same ``--config FILE`` / ``key=value`` grammar.
"""
from __future__ import annotations

import dataclasses
import os
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml

from corpora.errors import KzlegalError

T = TypeVar("T")

#: Repository root when running from a checkout (configs/ lives there); installed
#: users pass --config explicitly or rely on dataclass defaults.
REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "configs"


class ConfigError(KzlegalError, ValueError):
    """A config file or override that cannot be applied; the message names the file or key."""


def home_dir() -> Path:
    """Where built artefacts (corpus store, index) live: ``$KZLEGAL_HOME`` or ``./.kzlegal``."""
    return Path(os.environ.get("KZLEGAL_HOME", ".kzlegal"))


def _coerce(value: Any, annotation: Any, key: str) -> Any:
    """Turn a YAML/CLI value into the field's declared type (str, int, float, bool, list, Optional)."""
    if isinstance(annotation, str):
        annotation = eval(annotation, vars(typing), {})  # annotations are postponed strings
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        if value is None or (isinstance(value, str) and value.lower() in ("none", "null", "")):
            return None
        non_none = [a for a in args if a is not type(None)]
        return _coerce(value, non_none[0], key)
    if origin in (list, tuple):
        if isinstance(value, str):
            value = [v for v in (s.strip() for s in value.split(",")) if v]
        inner = args[0] if args else str
        return [_coerce(v, inner, key) for v in value]
    if origin is dict or annotation is dict:
        if isinstance(value, str):
            value = yaml.safe_load(value)
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        return value
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{key}: expected true/false, got {value!r}")
    if annotation in (int, float, str):
        try:
            return annotation(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{key}: expected {annotation.__name__}, got {value!r}") from exc
    return value


def parse_overrides(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["lora_r=32", "epochs=1"]`` → ``{"lora_r": "32", "epochs": "1"}``; a pair without ``=`` is an error."""
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ConfigError(f"override {pair!r} is not of the form key=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


def load_config(cls: type[T], path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> T:
    """Build ``cls`` from defaults, then the YAML file at ``path``, then ``overrides``.

    Unknown keys are refused with the file (or "override") and key named, so a typo never
    silently falls back to a default.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    sources: list[tuple[str, dict[str, Any]]] = []
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{p}: not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{p}: top level must be a mapping of config keys")
        sources.append((str(p), data))
    if overrides:
        sources.append(("override", dict(overrides)))
    for origin, data in sources:
        for key, value in data.items():
            if key not in fields:
                known = ", ".join(sorted(fields))
                raise ConfigError(f"{origin}: unknown key {key!r} for {cls.__name__} (known: {known})")
            values[key] = _coerce(value, fields[key].type, f"{origin}: {key}")
    return cls(**values)


def config_to_dict(cfg: Any) -> dict[str, Any]:
    """A config dataclass as a plain dict (for --json output and run directories)."""
    return dataclasses.asdict(cfg)
