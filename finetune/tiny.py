"""The tiny CPU model: a Qwen3-architecture decoder with a few small layers and random weights,
and a byte-level BPE tokenizer trained with ``tokenizers`` on the training texts.

It exercises the whole pipeline (data → prompts → LoRA → checkpoints → adapter → generation)
in about a minute on two CPU cores. It learns nothing useful about law; it only has to show that
the loss goes down and that every artefact round-trips.
"""
from __future__ import annotations

from typing import Any, Iterable

from finetune.config import FinetuneConfig
from finetune.prompts import ALPACA_PROMPT, qwen3_chat_template

#: Qwen3's special tokens; ``<|im_end|>`` ends an assistant turn and is the EOS, as in Qwen3 chat models.
SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]
PAD_TOKEN = "<|endoftext|>"
EOS_TOKEN = "<|im_end|>"


def train_tokenizer(texts: Iterable[str], vocab_size: int) -> Any:
    """A byte-level BPE tokenizer (like Qwen's) trained on ``texts``, wrapped for transformers,
    carrying Qwen3's chat template so the ``chat`` prompt format works with it."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    # the fixed parts of both prompt formats are in every sample; teach them once each
    fixed = [ALPACA_PROMPT, "user\nassistant\nsystem\n"] * 20
    tok.train_from_iterator(list(fixed) + list(texts), trainer=trainer)
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=EOS_TOKEN,
        pad_token=PAD_TOKEN,
        additional_special_tokens=["<|im_start|>"],
    )
    wrapped.chat_template = qwen3_chat_template()
    wrapped.padding_side = "right"
    return wrapped


def tiny_model_config(cfg: FinetuneConfig, tokenizer: Any) -> Any:
    """A ``Qwen3Config`` sized by the ``tiny_*`` keys; vocabulary from the tokenizer."""
    from transformers import Qwen3Config

    heads = cfg.tiny_num_heads
    return Qwen3Config(
        vocab_size=len(tokenizer),
        hidden_size=cfg.tiny_hidden_size,
        intermediate_size=cfg.tiny_intermediate_size,
        num_hidden_layers=cfg.tiny_num_layers,
        num_attention_heads=heads,
        num_key_value_heads=cfg.tiny_num_kv_heads,
        head_dim=cfg.tiny_hidden_size // heads,
        max_position_embeddings=max(cfg.max_seq_length, 512),
        rope_theta=1_000_000,
        rms_norm_eps=1e-6,
        tie_word_embeddings=False,
        hidden_act="silu",
        attention_bias=False,
        initializer_range=cfg.tiny_initializer_range,
        eos_token_id=tokenizer.convert_tokens_to_ids(EOS_TOKEN),
        pad_token_id=tokenizer.convert_tokens_to_ids(PAD_TOKEN),
        bos_token_id=None,
        use_cache=True,
    )


def build_tiny_model(cfg: FinetuneConfig, tokenizer: Any) -> Any:
    """Random-init tiny Qwen3ForCausalLM (seeded by ``cfg.seed``, so rebuilding gives the same weights)."""
    import torch
    from transformers import Qwen3ForCausalLM

    torch.manual_seed(cfg.seed)
    config = tiny_model_config(cfg, tokenizer)
    config._attn_implementation = cfg.attn_implementation
    model = Qwen3ForCausalLM(config)
    model.generation_config.pad_token_id = config.pad_token_id
    model.generation_config.eos_token_id = config.eos_token_id
    return model
