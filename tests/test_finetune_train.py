"""End to end on the tiny model: adapter + metrics + summary, SIGTERM checkpoint and an exact resume,
the run-directory guard, loading the adapter back for generation, plots and the merged export."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from finetune.checkpoint import list_checkpoints
from finetune.config import FinetuneError, load_finetune_config
from finetune.recipe import TrainingInterrupted, run_training
from finetune.summary import read_metrics

pytestmark = pytest.mark.slow
CONFIGS = Path(__file__).resolve().parents[1] / "configs"

TOPICS = ["трудовой договор", "исковая давность", "отпуск работника", "налог на имущество", "аренда земли", "брачный договор"]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    """48 invented statute-style question/answer pairs in Russian and Kazakh."""
    path = tmp_path_factory.mktemp("data") / "train.jsonl"
    rows = []
    for i in range(40):
        topic = TOPICS[i % len(TOPICS)]
        rows.append({"instruction": f"Что говорит закон про {topic}? Вопрос {i}.", "input": "",
                     "output": f"Согласно статье {i + 1} кодекса, {topic} регулируется отдельной главой. Срок {i % 7 + 1} лет."})
    for i in range(8):
        rows.append({"instruction": f"Еңбек шарты туралы сұрақ {i}?", "input": "Кодекстің бабы",
                     "output": f"Еңбек шарты жазбаша нысанда жасалады, {i + 2}-бап."})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def tiny_cfg(data_file, **extra):
    overrides = {
        "data": str(data_file), "progress": "false", "max_steps": "8", "batch_size": "4", "max_seq_length": "96",
        "tiny_hidden_size": "32", "tiny_intermediate_size": "64", "tiny_vocab_size": "300", "save_steps": "4",
        "eval_max_samples": "8", "validation_fraction": "0.1", "learning_rate": "0.02",
    }
    overrides.update({k: str(v) for k, v in extra.items()})
    return load_finetune_config(CONFIGS / "tiny-cpu.yaml", overrides)


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory, data_file):
    run = tmp_path_factory.mktemp("runs") / "full"
    summary = run_training(tiny_cfg(data_file), run, echo=lambda *_: None)
    return run, summary


def test_run_writes_adapter_tokenizer_config_metrics_and_summary(finished_run):
    run, summary = finished_run
    for name in ("adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "resolved_config.json", "metrics.jsonl", "training_summary.json", "base/config.json"):
        assert (run / name).is_file(), name
    rows = [r for r in read_metrics(run) if "loss" in r]
    assert [r["step"] for r in rows] == list(range(1, 9))
    assert set(rows[0]) >= {"step", "epoch", "loss", "learning_rate", "grad_norm", "tokens_per_s", "samples_per_s"}
    on_disk = json.loads((run / "training_summary.json").read_text())
    assert on_disk == summary
    for key in ("initial_loss", "final_loss", "min_loss", "loss_reduction_percent", "train_seconds", "samples_per_s", "steps_per_s",
                "total_flos", "trainable_parameters", "trainable_percent", "peak_gpu_memory_gb", "backend", "library_versions"):
        assert key in summary, key
    assert summary["backend"] == "cpu" and summary["total_steps"] == 8
    assert summary["final_loss_mean_last10"] < summary["initial_loss"]
    resolved = json.loads((run / "resolved_config.json").read_text())
    assert resolved["prompt_format"] == "chat" and resolved["base_model_path"] == str((run / "base").resolve())


def test_adapter_loads_back_with_peft_and_generates(finished_run):
    from finetune.runs import generate_answer, load_run, read_run_info

    run, _ = finished_run
    info = read_run_info(run)
    assert info.prompt_format == "chat"
    loaded = load_run(run, device="cpu")
    assert type(loaded.model).__name__ == "PeftModelForCausalLM"
    assert loaded.prompt("Вопрос?").endswith("<think>\n\n</think>\n\n")
    answer = generate_answer(loaded, "Что говорит закон про аренда земли?", max_new_tokens=8)
    assert isinstance(answer, str)
    ids = loaded.tokenizer(loaded.prompt("Вопрос?"), return_tensors="pt")["input_ids"]
    with torch.no_grad():
        with_adapter = loaded.model(ids).logits
        with loaded.model.disable_adapter():
            without = loaded.model(ids).logits
    assert not torch.allclose(with_adapter, without)  # the trained adapter changes the model


def test_sigterm_checkpoints_and_resume_reproduces_the_uninterrupted_run(tmp_path, data_file, finished_run):
    full_run, _ = finished_run
    run = tmp_path / "interrupted"

    def send_sigterm(step, row):
        if step == 3:
            os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(TrainingInterrupted) as info:
        run_training(tiny_cfg(data_file), run, on_step=send_sigterm, echo=lambda *_: None)
    assert info.value.step == 3
    assert [step for step, _ in list_checkpoints(run)] == [3]
    assert not (run / "adapter_model.safetensors").exists()
    assert signal.getsignal(signal.SIGTERM) is not None  # handlers restored

    summary = run_training(tiny_cfg(data_file), run, resume=True, echo=lambda *_: None)
    assert summary["resumed_from_step"] == 3
    resumed = [r["loss"] for r in read_metrics(run) if "loss" in r]
    reference = [r["loss"] for r in read_metrics(full_run) if "loss" in r]
    assert resumed == pytest.approx(reference, rel=1e-5)  # same data order, schedule and optimizer state
    assert [r["learning_rate"] for r in read_metrics(run) if "loss" in r] == [r["learning_rate"] for r in read_metrics(full_run) if "loss" in r]


def test_run_directory_is_never_overwritten_by_accident(finished_run, data_file):
    run, _ = finished_run
    with pytest.raises(FinetuneError, match="already exists"):
        run_training(tiny_cfg(data_file), run, echo=lambda *_: None)
    with pytest.raises(FinetuneError, match="already finished"):
        run_training(tiny_cfg(data_file), run, resume=True, echo=lambda *_: None)


def test_resume_refuses_other_data(tmp_path, data_file, finished_run):
    run, _ = finished_run
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"instruction": "Другой вопрос?", "input": "", "output": "Другой ответ."}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(FinetuneError, match="data differ"):
        run_training(tiny_cfg(other), run, resume=True, echo=lambda *_: None)


def test_plots_are_drawn(finished_run, tmp_path):
    from click.testing import CliRunner

    from finetune.plots import plots_train

    run, _ = finished_run
    result = CliRunner().invoke(plots_train, [str(run), "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("training_loss.png", "learning_rate.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_plots_refuse_a_folder_without_metrics(tmp_path):
    from finetune.plots import draw_training_plots

    with pytest.raises(FinetuneError, match="no training rows"):
        draw_training_plots(tmp_path)


def test_merged_export_matches_the_adapter(finished_run, tmp_path, monkeypatch):
    from transformers import AutoModelForCausalLM

    from finetune.export import export_run
    from finetune.runs import load_run

    run, _ = finished_run
    target = export_run(run, "merged-16bit", tmp_path / "merged", echo=lambda *_: None)
    merged = AutoModelForCausalLM.from_pretrained(target).eval()
    loaded = load_run(run, device="cpu")
    ids = loaded.tokenizer("Статья 5 кодекса", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, loaded.model(ids).logits, atol=1e-4)
    monkeypatch.delenv("LLAMA_CPP_DIR", raising=False)
    with pytest.raises(FinetuneError, match="llama.cpp"):  # gguf says what it needs before merging
        export_run(run, "gguf", tmp_path / "x.gguf", echo=lambda *_: None)


def test_cli_refuses_training_the_8b_recipe_without_a_gpu(tmp_path, data_file):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    from finetune.recipe import run_training as rt

    cfg = load_finetune_config(CONFIGS / "seed.yaml", {"data": str(data_file)})
    with pytest.raises(FinetuneError, match="needs a CUDA GPU"):
        rt(cfg, tmp_path / "seed", echo=lambda *_: None)
