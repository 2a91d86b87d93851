"""Recipes: they parse, refuse bad keys, and the seed adapter is exactly the reference's size."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpora.settings import ConfigError
from finetune.config import FinetuneError, load_finetune_config

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


@pytest.mark.parametrize("name", ["seed", "recommended", "tiny-cpu"])
def test_recipes_load(name):
    cfg = load_finetune_config(CONFIGS / f"{name}.yaml")
    assert cfg.recipe == name
    assert cfg.lora_r == 16 and cfg.lora_alpha == 16 and len(cfg.lora_target_modules) == 7


def test_seed_is_the_reference_run():
    cfg = load_finetune_config(CONFIGS / "seed.yaml")
    assert (cfg.base_model, cfg.load_in_4bit, cfg.max_seq_length) == ("unsloth/Qwen3-8B-unsloth-bnb-4bit", True, 2048)
    assert (cfg.batch_size, cfg.gradient_accumulation_steps, cfg.epochs, cfg.learning_rate) == (2, 4, 3, 2e-4)
    assert (cfg.optimizer, cfg.lr_scheduler, cfg.warmup_ratio, cfg.weight_decay, cfg.seed) == ("adamw_8bit", "linear", 0.03, 0.001, 3407)
    assert (cfg.prompt_format, cfg.loss_on, cfg.padding_free, cfg.lora_dropout, cfg.lora_bias) == ("alpaca", "all", False, 0.0, "none")
    assert cfg.gradient_checkpointing


def test_bad_keys_and_values_are_refused_by_name():
    with pytest.raises(ConfigError, match="unknown key 'lora_rank'"):
        load_finetune_config(CONFIGS / "seed.yaml", {"lora_rank": "8"})
    with pytest.raises(FinetuneError, match="prompt_format must be one of"):
        load_finetune_config(CONFIGS / "seed.yaml", {"prompt_format": "vicuna"})
    with pytest.raises(FinetuneError, match="unknown projections"):
        load_finetune_config(CONFIGS / "seed.yaml", {"lora_target_modules": "q_proj,lm_head"})


def test_seed_dry_run_counts_43646976_trainable_parameters_offline():
    pytest.importorskip("peft")
    from click.testing import CliRunner

    from finetune.cli import train

    result = CliRunner().invoke(train, ["--config", str(CONFIGS / "seed.yaml"), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["trainable_parameters"] == 43646976
    assert record["total_parameters"] == 8234382336  # 8,190,735,360 base + the adapter
    assert record["trainable_percent"] == pytest.approx(0.53, abs=0.005)
    assert record["config"]["prompt_format"] == "alpaca"


def test_recommended_keeps_the_adapter_size():
    pytest.importorskip("peft")
    from finetune.modeling import count_parameters

    cfg = load_finetune_config(CONFIGS / "recommended.yaml")
    assert count_parameters(cfg)["trainable_parameters"] == 43646976
