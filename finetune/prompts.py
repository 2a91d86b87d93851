"""Prompt formats and label masks: how one (instruction, input, output) becomes token ids and labels.

Two formats, recorded as ``prompt_format`` in every run directory so that generation formats
prompts exactly as training did:

* ``alpaca`` — the reference (seed) run: the English Alpaca prompt, the answer, then EOS.
  The same template is used when ``input`` is empty (as the reference did).
* ``chat`` — the Qwen3 chat template with thinking disabled. The prompt ends with Qwen3's own
  non-thinking switch, one empty ``<think>\\n\\n</think>\\n\\n`` block after ``<|im_start|>assistant``;
  that block is part of the *prompt* (never labelled), so the training target is the bare answer
  followed by ``<|im_end|>`` and carries no think tags.

Import for generation: ``format_prompt(instruction, input, prompt_format, tokenizer) -> str``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from finetune.config import FinetuneError

ALPACA_PROMPT = (
    "Below is an instruction that describes a task, paired with an input that provides further context. "
    "Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n"
    "### Input:\n{input}\n\n"
    "### Response:\n"
)

#: Qwen3's chat template (the part without tool calls), used when a tokenizer carries none (tiny model).
CHAT_TEMPLATE_PATH = Path(__file__).resolve().parent / "templates" / "qwen3_chat.jinja"

IGNORE_INDEX = -100


@lru_cache(maxsize=1)
def qwen3_chat_template() -> str:
    return CHAT_TEMPLATE_PATH.read_text(encoding="utf-8")


def user_message(instruction: str, input: str = "") -> str:
    """The user turn of the chat format: the instruction, then the input (if any) after a blank line."""
    return instruction.strip() + ("\n\n" + input.strip() if input and input.strip() else "")


def _chat_template(tokenizer: Any) -> str:
    template = getattr(tokenizer, "chat_template", None)
    return template if template else qwen3_chat_template()


def _render_chat(tokenizer: Any, messages: list[dict[str, str]], add_generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template(
        messages,
        chat_template=_chat_template(tokenizer),
        tokenize=False,
        add_generation_prompt=add_generation_prompt,
        enable_thinking=False,
    )


def format_prompt(instruction: str, input: str = "", prompt_format: str = "chat", tokenizer: Any = None) -> str:
    """The text up to where the answer starts, exactly as in training.

    ``alpaca`` needs no tokenizer. ``chat`` needs one (its chat template, or Qwen3's shipped
    template when it has none), and ends with ``<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n``.
    """
    if prompt_format == "alpaca":
        return ALPACA_PROMPT.format(instruction=instruction, input=input)
    if prompt_format == "chat":
        if tokenizer is None:
            raise FinetuneError("prompt_format 'chat' needs the run's tokenizer (its chat template)")
        return _render_chat(tokenizer, [{"role": "user", "content": user_message(instruction, input)}], True)
    raise FinetuneError(f"prompt_format must be 'alpaca' or 'chat'; got {prompt_format!r}")


def answer_suffix(prompt_format: str, tokenizer: Any) -> str:
    """What follows the answer in a training text: EOS (alpaca) or ``<|im_end|>`` (chat)."""
    if prompt_format == "alpaca":
        if not tokenizer.eos_token:
            raise FinetuneError("the tokenizer has no eos_token; the alpaca format ends every answer with it")
        return tokenizer.eos_token
    marker = "\x00ANSWER\x00"
    full = _render_chat(
        tokenizer,
        [{"role": "user", "content": "q"}, {"role": "assistant", "content": marker}],
        False,
    )
    # the template closes the turn with "<|im_end|>\n"; the newline is not something to learn
    return full.split(marker, 1)[1].rstrip("\n")


def format_example(
    instruction: str, input: str, output: str, prompt_format: str, tokenizer: Any, suffix: str | None = None
) -> tuple[str, str]:
    """(prompt, completion) whose concatenation is the training text; for chat, checked against the
    template rendering the whole conversation, so inference prompts are a true prefix of training.
    ``suffix`` is ``answer_suffix(...)`` precomputed (it is the same for every example)."""
    prompt = format_prompt(instruction, input, prompt_format, tokenizer)
    completion = output + (suffix if suffix is not None else answer_suffix(prompt_format, tokenizer))
    if prompt_format == "chat":
        full = _render_chat(
            tokenizer,
            [{"role": "user", "content": user_message(instruction, input)}, {"role": "assistant", "content": output}],
            False,
        )
        if not full.startswith(prompt + output):
            raise FinetuneError(
                "the chat template renders a conversation that does not start with its own generation prompt; "
                "it cannot be trained with answer-only loss (is it a Qwen3 template?)"
            )
    return prompt, completion


@dataclass
class Features:
    """Token ids and labels of one example (``labels`` is ``IGNORE_INDEX`` where no loss is taken)."""

    input_ids: list[int]
    labels: list[int]
    prompt_tokens: int
    truncated: bool

    def __len__(self) -> int:
        return len(self.input_ids)

    @property
    def label_tokens(self) -> int:
        return sum(1 for x in self.labels if x != IGNORE_INDEX)


def encode_example(
    instruction: str,
    input: str,
    output: str,
    tokenizer: Any,
    prompt_format: str,
    loss_on: str,
    max_seq_length: int,
    suffix: str | None = None,
) -> Features:
    """Tokenize prompt and completion separately (so the boundary never merges into one token) and
    build labels: all tokens (``loss_on: all``, the reference) or the completion only (``answer``).
    Sequences longer than ``max_seq_length`` are cut at that length (``truncated`` says so)."""
    prompt, completion = format_example(instruction, input, output, prompt_format, tokenizer, suffix)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    completion_ids = tokenizer(completion, add_special_tokens=False)["input_ids"]
    ids = prompt_ids + completion_ids
    if loss_on == "all":
        labels = list(ids)
    elif loss_on == "answer":
        labels = [IGNORE_INDEX] * len(prompt_ids) + list(completion_ids)
    else:
        raise FinetuneError(f"loss_on must be 'all' or 'answer'; got {loss_on!r}")
    truncated = len(ids) > max_seq_length
    return Features(ids[:max_seq_length], labels[:max_seq_length], len(prompt_ids), truncated)
