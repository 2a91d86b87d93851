"""Prompt formats (alpaca, Qwen3 chat without thinking) and which token positions carry labels."""
from __future__ import annotations

import pytest

pytest.importorskip("transformers")

from finetune.config import FinetuneError
from finetune.prompts import ALPACA_PROMPT, IGNORE_INDEX, encode_example, format_example, format_prompt
from finetune.tiny import train_tokenizer

TEXTS = [
    "Статья 28. Трудовой договор заключается в письменной форме.",
    "Работник вправе расторгнуть трудовой договор по своей инициативе.",
    "Еңбек шарты жазбаша нысанда жасалады.",
    "Какой срок исковой давности? Три года.",
] * 5


@pytest.fixture(scope="module")
def tokenizer():
    return train_tokenizer(TEXTS, vocab_size=400)


def labelled_text(tokenizer, features):
    return tokenizer.decode([t for t, l in zip(features.input_ids, features.labels) if l != IGNORE_INDEX])


def test_alpaca_prompt_is_the_reference_text():
    prompt = format_prompt("Какой срок?", "", "alpaca", None)
    assert prompt.startswith("Below is an instruction that describes a task, paired with an input that provides further context.")
    assert prompt.endswith("### Instruction:\nКакой срок?\n\n### Input:\n\n\n### Response:\n")
    assert prompt == ALPACA_PROMPT.format(instruction="Какой срок?", input="")


def test_alpaca_training_text_ends_with_eos_and_loss_on_everything(tokenizer):
    f = encode_example("Какой срок?", "ст. 28", "Три года.", tokenizer, "alpaca", "all", 4096)
    assert f.labels == f.input_ids  # the reference: loss on the whole sequence
    text = tokenizer.decode(f.input_ids)
    assert text == format_prompt("Какой срок?", "ст. 28", "alpaca") + "Три года." + tokenizer.eos_token


def test_chat_prompt_disables_thinking_with_exactly_one_empty_block(tokenizer):
    prompt = format_prompt("Какой срок?", "Статья 28.", "chat", tokenizer)
    assert prompt == (
        "<|im_start|>user\nКакой срок?\n\nСтатья 28.<|im_end|>\n"
        "<|im_start|>assistant\n<think>\n\n</think>\n\n"
    )
    assert prompt.count("<think>") == 1 and prompt.count("</think>") == 1


def test_chat_prompt_is_a_prefix_of_the_training_text(tokenizer):
    prompt, completion = format_example("Вопрос?", "", "Ответ.", "chat", tokenizer)
    assert completion == "Ответ.<|im_end|>"
    assert prompt.endswith("<think>\n\n</think>\n\n")


def test_answer_only_labels_cover_exactly_the_answer_and_end_token(tokenizer):
    f = encode_example("Какой срок?", "", "Три года.", tokenizer, "chat", "answer", 4096)
    prompt_ids = tokenizer(format_prompt("Какой срок?", "", "chat", tokenizer), add_special_tokens=False)["input_ids"]
    n = len(prompt_ids)
    assert f.prompt_tokens == n
    assert f.input_ids[:n] == prompt_ids
    assert all(label == IGNORE_INDEX for label in f.labels[:n])  # no loss on the prompt (incl. the think block)
    assert f.labels[n:] == f.input_ids[n:]  # loss on every answer token
    assert labelled_text(tokenizer, f) == "Три года.<|im_end|>"
    think_ids = {tokenizer.convert_tokens_to_ids("<think>"), tokenizer.convert_tokens_to_ids("</think>")}
    assert not think_ids & {l for l in f.labels if l != IGNORE_INDEX}  # no think tags in the target
    assert f.labels[-1] == tokenizer.convert_tokens_to_ids("<|im_end|>")


def test_chat_with_whole_sequence_loss_labels_the_prompt_too(tokenizer):
    f = encode_example("Какой срок?", "", "Три года.", tokenizer, "chat", "all", 4096)
    assert f.labels == f.input_ids


def test_truncation_cuts_ids_and_labels_together(tokenizer):
    f = encode_example("Какой срок?", "", "Три года. " * 50, tokenizer, "chat", "answer", 40)
    assert f.truncated and len(f.input_ids) == len(f.labels) == 40


def test_chat_needs_a_tokenizer_and_formats_are_checked():
    with pytest.raises(FinetuneError, match="needs the run's tokenizer"):
        format_prompt("Вопрос?", "", "chat", None)
    with pytest.raises(FinetuneError, match="prompt_format"):
        format_prompt("Вопрос?", "", "markdown", None)


def test_tokenizer_without_template_uses_the_shipped_qwen3_template(tokenizer):
    bare = train_tokenizer(TEXTS[:4], vocab_size=300)
    bare.chat_template = None
    assert format_prompt("Вопрос?", "", "chat", bare) == format_prompt("Вопрос?", "", "chat", tokenizer)
