"""The ``openai`` generator: any OpenAI-compatible HTTP server (vLLM with the merged model or base +
LoRA, the llama.cpp server, Ollama, or ``python -m assistant.serve``), called with httpx.

Configured by ``openai_base_url`` (…/v1) and ``openai_model``. The API key is read from the
environment variable named by ``openai_api_key_env`` (then ``OPENAI_API_KEY``) at request time;
it is sent only in the ``Authorization`` header and never appears in a repr, log line, error
message or the app.
"""
from __future__ import annotations

import json
import os
from typing import Any, Iterator

from assistant.generators.base import GeneratorError


def mask_secret(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced by «***» (for error messages)."""
    return text.replace(secret, "***") if secret else text


class OpenAIGenerator:
    """POST /chat/completions (optionally streamed as server-sent events)."""

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key_env: str = "KZLEGAL_OPENAI_API_KEY",
                 max_new_tokens: int = 512, temperature: float = 0.0, timeout_s: float = 120.0):
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.timeout_s = timeout_s

    @classmethod
    def from_config(cls, cfg: Any) -> "OpenAIGenerator":
        return cls(cfg.openai_base_url, cfg.openai_model, cfg.openai_api_key_env, cfg.max_new_tokens, cfg.temperature,
                   cfg.openai_timeout_s)

    def __repr__(self) -> str:  # the key is never part of the object's state, so it cannot leak here
        key = "set" if self._api_key() else "unset"
        return f"OpenAIGenerator(base_url={self.base_url!r}, model={self.model!r}, api_key=<{key} via ${self.api_key_env}>)"

    def _api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) or os.environ.get("OPENAI_API_KEY") or None

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        key = self._api_key()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _body(self, prompt: Any, stream: bool) -> dict[str, Any]:
        return {"model": self.model, "messages": prompt.messages(), "max_tokens": self.max_new_tokens,
                "temperature": self.temperature, "stream": stream}

    def _fail(self, what: str) -> GeneratorError:
        return GeneratorError(mask_secret(f"{self.base_url}/chat/completions: {what}", self._api_key()))

    def generate(self, prompt: Any) -> str:
        import httpx

        try:
            response = httpx.post(f"{self.base_url}/chat/completions", json=self._body(prompt, False),
                                  headers=self._headers(), timeout=self.timeout_s)
        except httpx.TimeoutException as exc:
            raise self._fail(f"timed out after {self.timeout_s:g} s") from exc
        except httpx.HTTPError as exc:
            raise self._fail(f"cannot reach the server ({type(exc).__name__}: {exc})") from exc
        if response.status_code != 200:
            raise self._fail(f"HTTP {response.status_code}: {response.text[:300]}")
        try:
            return response.json()["choices"][0]["message"]["content"] or ""
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise self._fail(f"not an OpenAI chat completion: {response.text[:300]}") from exc

    def stream(self, prompt: Any) -> Iterator[str]:
        """Yield content deltas from the server-sent event stream (``data: {...}`` lines, ``data: [DONE]``)."""
        import httpx

        try:
            with httpx.stream("POST", f"{self.base_url}/chat/completions", json=self._body(prompt, True),
                              headers=self._headers(), timeout=self.timeout_s) as response:
                if response.status_code != 200:
                    response.read()
                    raise self._fail(f"HTTP {response.status_code}: {response.text[:300]}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    try:
                        delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
                    except (ValueError, KeyError, IndexError) as exc:
                        raise self._fail(f"bad stream event: {data[:200]}") from exc
                    if delta:
                        yield delta
        except httpx.TimeoutException as exc:
            raise self._fail(f"timed out after {self.timeout_s:g} s") from exc
        except httpx.HTTPError as exc:
            raise self._fail(f"cannot reach the server ({type(exc).__name__}: {exc})") from exc
