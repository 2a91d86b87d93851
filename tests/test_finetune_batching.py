"""Batches: deterministic order, padded vs padding-free collation, and packed samples kept apart."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from finetune.batching import Schedule, collate_padded, collate_padding_free, epoch_order, predicted_labels, step_micro_batches
from finetune.prompts import IGNORE_INDEX, Features


def feats(*lengths):
    out = []
    for i, n in enumerate(lengths):
        ids = [10 * (i + 1) + k for k in range(n)]
        out.append(Features(ids, [IGNORE_INDEX] * 2 + ids[2:], 2, False))
    return out


def test_schedule_counts_steps_and_caps_them():
    s = Schedule(samples=100, batch_size=2, accumulation=4, world_size=1, epochs=3, max_steps=-1)
    assert s.micro_batches_per_epoch == 50 and s.steps_per_epoch == 13 and s.total_steps == 39
    assert Schedule(100, 2, 4, 1, 3, 10).total_steps == 10
    assert s.position(13) == (1, 0)


def test_order_is_a_pure_function_of_seed_and_epoch():
    assert epoch_order(50, 3407, 0) == epoch_order(50, 3407, 0)
    assert epoch_order(50, 3407, 0) != epoch_order(50, 3407, 1)
    assert sorted(epoch_order(50, 3407, 2)) == list(range(50))


def test_steps_cover_each_epoch_once_and_ranks_split_micro_batches():
    s = Schedule(samples=20, batch_size=2, accumulation=2, world_size=1, epochs=1, max_steps=-1)
    seen = [i for step in range(s.total_steps) for mb in step_micro_batches(s, 1, step) for i in mb]
    assert sorted(seen) == list(range(20))
    ddp = Schedule(samples=20, batch_size=2, accumulation=1, world_size=2, epochs=1, max_steps=-1)
    r0 = [i for step in range(ddp.total_steps) for mb in step_micro_batches(ddp, 1, step, rank=0) for i in mb]
    r1 = [i for step in range(ddp.total_steps) for mb in step_micro_batches(ddp, 1, step, rank=1) for i in mb]
    assert not set(r0) & set(r1) and sorted(r0 + r1) == list(range(20))


def test_padded_batch_masks_pads():
    batch = collate_padded(feats(3, 5), pad_id=0)
    assert batch["input_ids"].shape == (2, 5)
    assert batch["attention_mask"][0].tolist() == [1, 1, 1, 0, 0]
    assert batch["labels"][0].tolist()[3:] == [IGNORE_INDEX, IGNORE_INDEX]


def test_padding_free_restarts_positions_and_ignores_first_label_of_each_sample():
    batch = collate_padding_free(feats(4, 3))
    assert batch["input_ids"].shape == (1, 7) and "attention_mask" not in batch
    assert batch["position_ids"][0].tolist() == [0, 1, 2, 3, 0, 1, 2]
    labels = batch["labels"][0].tolist()
    assert labels[0] == IGNORE_INDEX and labels[4] == IGNORE_INDEX
    assert labels[:4] == [IGNORE_INDEX, IGNORE_INDEX, 12, 13] and labels[4:] == [IGNORE_INDEX, IGNORE_INDEX, 22]
    assert predicted_labels(batch) == 3  # the model shifts by one; position 0 has no prediction


def test_packed_samples_do_not_attend_to_each_other():
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(0)
    config = Qwen3Config(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=8)
    config._attn_implementation = "sdpa"
    model = Qwen3ForCausalLM(config).eval()
    a, b = torch.randint(0, 64, (1, 7)), torch.randint(0, 64, (1, 5))
    with torch.no_grad():
        alone_a, alone_b = model(a).logits, model(b).logits
        packed = model(torch.cat([a, b], 1), position_ids=torch.tensor([list(range(7)) + list(range(5))]), use_cache=False).logits
    assert torch.allclose(packed[:, :7], alone_a, atol=1e-5)
    assert torch.allclose(packed[:, 7:], alone_b, atol=1e-5)
