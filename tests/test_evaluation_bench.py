"""`kzlegal bench`: the ablation end to end on invented statutes, a tiny model and 4 questions; resume.

The fixture builds, in a temp dir, what the real run uses: a corpus store of invented
Labour-Code-like articles with a hash-embedder search index, a `kzlegal train`-shaped run directory
(tiny random Qwen3 + tokenizer in base/, a LoRA adapter, resolved_config.json) and a small Alpaca file.
"""
from __future__ import annotations

import json
import sys

import pytest

from corpora.errors import KzlegalError
from corpora.model import Article, Point
from corpora.store import write_store
from evaluation import bench as bench_mod
from evaluation.bench import Bench, plan_rows
from evaluation.config import EvalConfig
from evaluation.partial import PARTIAL_FILE
from evaluation.results import load_results
from evaluation.sample import load_alpaca, seeded_sample

ACT = "K1500000414"

ARTICLES = [
    ("28", "Содержание трудового договора", [
        "1. Трудовой договор должен содержать: фамилию, имя работника; срок договора; размер заработной платы.",
        "2. Трудовой договор составляется в письменной форме в двух экземплярах."]),
    ("88", "Ежегодный оплачиваемый отпуск", [
        "1. Работникам предоставляется ежегодный оплачиваемый трудовой отпуск продолжительностью двадцать четыре дня.",
        "2. Отпуск переносится по соглашению сторон."]),
    ("113", "Сроки выплаты заработной платы", [
        "1. Заработная плата выплачивается не реже одного раза в месяц не позднее первой декады следующего месяца."]),
]
KK_ARTICLES = [
    ("28", "Еңбек шартының мазмұны", ["1. Еңбек шартында жұмыскердің тегі, аты және жалақы мөлшері көрсетіледі."]),
    ("88", "Жыл сайынғы ақы төленетін еңбек демалысы", ["1. Жұмыскерлерге жиырма төрт күн демалыс беріледі."]),
]
QA = [
    ("Что должен содержать трудовой договор?", "Согласно ст. 28 ТК РК, фамилию, имя работника, срок и размер заработной платы."),
    ("Сколько дней длится ежегодный отпуск?", "24 календарных дня (ст. 88 ТК РК)."),
    ("Когда выплачивается заработная плата?", "Не реже одного раза в месяц (ст. 113 ТК РК)."),
    ("Еңбек шартында не көрсетіледі?", "Жұмыскердің тегі, аты және жалақы мөлшері (ЕК 28-бабы)."),
    ("Жыл сайынғы демалыс неше күн?", "Жиырма төрт күн (ЕК 88-бабы)."),
    ("Жалақы қашан төленеді?", "Айына кемінде бір рет."),
]


def _article(num, title, points, lang):
    pts = [Point(p.split(".", 1)[0], p) for p in points]
    return Article(act_id=ACT, act_code="38910", lang=lang, article=num, title=title, path=["Глава 1"],
                   text="\n".join(points), points=pts, short_name="ТК РК" if lang == "ru" else "ЕК")


def _tiny_run(run_dir, texts):
    """A run directory shaped like `kzlegal train`'s: base/ (tiny Qwen3 + tokenizer), adapter, recipe."""
    from peft import LoraConfig, get_peft_model

    from finetune.config import FinetuneConfig
    from finetune.tiny import build_tiny_model, train_tokenizer

    cfg = FinetuneConfig(max_seq_length=256, tiny_vocab_size=1500)
    tokenizer = train_tokenizer(texts, cfg.tiny_vocab_size)
    model = build_tiny_model(cfg, tokenizer)
    model.save_pretrained(run_dir / "base")
    tokenizer.save_pretrained(run_dir / "base")
    tokenizer.save_pretrained(run_dir)
    peft = get_peft_model(model, LoraConfig(r=4, lora_alpha=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    peft.save_pretrained(run_dir)
    (run_dir / "resolved_config.json").write_text(json.dumps(
        {"base_model": "tiny", "prompt_format": "chat", "max_seq_length": 256, "data": None}), encoding="utf-8")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from retrieval.config import RetrievalConfig
    from retrieval.embedders import load_embedder
    from retrieval.index import build_index, save_index
    from corpora.store import load_store

    root = tmp_path_factory.mktemp("bench")
    arts = [_article(n, t, p, "ru") for n, t, p in ARTICLES] + [_article(n, t, p, "kk") for n, t, p in KK_ARTICLES]
    write_store(arts, root / "store", "/invented", {(ACT, "ru"): "Трудовой кодекс", (ACT, "kk"): "Еңбек кодексі"})
    data, _ = build_index(load_store(root / "store"), RetrievalConfig(embedder="hash:64"), load_embedder("hash:64"))
    save_index(data, root / "index")
    alpaca = root / "alpaca.jsonl"
    alpaca.write_text("".join(json.dumps({"instruction": q, "input": "", "output": a}, ensure_ascii=False) + "\n"
                              for q, a in QA), encoding="utf-8")
    from assistant.prompt import SYSTEM_PROMPT, SYSTEM_PROMPT_NO_RETRIEVAL

    texts = [q + " " + a for q, a in QA] + ["\n".join(p) for _, _, p in ARTICLES + KK_ARTICLES]
    _tiny_run(root / "run", (texts + [SYSTEM_PROMPT, SYSTEM_PROMPT_NO_RETRIEVAL]) * 3)
    return root


def _cfg(root, results, **kw):
    base = dict(data=str(root / "alpaca.jsonl"), sample_size=4, sample_seed=1, retrieval_ks=[0, 2],
                adapter=str(root / "run"), max_new_tokens=6, batch_size=2, device="cpu", load_in_4bit=False,
                prompt_budget_tokens=900, index_dir=str(root / "index"), store_dir=str(root / "store"),
                results_dir=str(results), bootstrap_resamples=50, report_examples=3)
    base.update(kw)
    return EvalConfig(**base)


def test_sample_is_seeded_and_has_both_languages(setup):
    items = load_alpaca(setup / "alpaca.jsonl")
    a, b = seeded_sample(items, 4, 1), seeded_sample(items, 4, 1)
    assert a == b and len(a) == 4
    assert sorted(it["lang"] for it in a) == ["kk", "kk", "ru", "ru"]
    assert [it["id"] for it in a] == sorted((it["id"] for it in a), key=lambda i: int(i.split("-")[1]))


def test_plan_rows_refuses_unknown_generator():
    assert [r.name for r in plan_rows(EvalConfig(retrieval_ks=[3, 0]))][:2] == ["base:0", "base:3"]
    with pytest.raises(KzlegalError, match="generators"):
        plan_rows(EvalConfig(generators=["gpt"]))


def test_missing_adapter_run_says_how_to_train(tmp_path, setup):
    cfg = _cfg(setup, tmp_path / "r", adapter=str(tmp_path / "no-run"), train_if_missing=False)
    with pytest.raises(KzlegalError, match="kzlegal train --config configs/tiny-cpu.yaml"):
        Bench(cfg, echo=lambda s: None, progress=False).run()


def test_ablation_end_to_end_and_resume(tmp_path, setup, monkeypatch):
    results_dir = tmp_path / "results"
    cfg = _cfg(setup, results_dir)
    real = bench_mod.gen_items
    calls = []

    def crash_on_fourth(*args, **kwargs):
        calls.append(args[1].name)
        if len(calls) == 4:
            raise RuntimeError("power cut")
        return real(*args, **kwargs)

    monkeypatch.setattr(bench_mod, "gen_items", crash_on_fourth)
    with pytest.raises(RuntimeError, match="power cut"):
        Bench(cfg, echo=lambda s: None, progress=False).run()
    logged = (results_dir / PARTIAL_FILE).read_text(encoding="utf-8").splitlines()
    assert len(logged) == 1 + 3 * 2  # fingerprint + three batches of two
    assert not (results_dir / "results.json").exists()

    calls.clear()
    monkeypatch.setattr(bench_mod, "gen_items", lambda *a, **k: calls.append(a[1].name) or real(*a, **k))
    Bench(cfg, echo=lambda s: None, progress=False).run()
    assert len(calls) == 6 * 2 - 3  # 6 rows × 2 batches, minus the 3 done before the crash

    results = load_results(results_dir)
    rows = {(r["generator"], r["retrieval_k"]): r for r in results["ablation"]}
    assert set(rows) == {(g, k) for g in ("base", "finetuned", "extractive") for k in (0, 2)}
    assert all(r["n"] == 4 for r in rows.values())
    assert set(rows[("base", 2)]["by_lang"]) == {"kk", "ru"}
    for name in ("overall", "token_f1", "key_info", "rougeL", "bleu", "citation_f1", "grounded"):
        assert name in results["avg_metrics"] or name == "grounded"
    assert results["config"]["primary"] == "finetuned:0" and results["n"] == 4
    assert all(it["gen_time"] > 0 for it in results["results"])
    items = [json.loads(line) for line in (results_dir / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(items) == 24 and len({(it["row"], it["id"]) for it in items}) == 24
    # retrieval on: the prompt held the top articles, and the extractive answer quotes them with citations
    ext = [it for it in items if it["row"] == "extractive:2"]
    assert all(it["given"] and it["given"][0]["act_id"] == ACT for it in ext)
    assert any("ст." in it["prediction"] or "бап" in it["prediction"] for it in ext)
    assert all("без поиска" in it["prediction"] or "іздемей" in it["prediction"]
               for it in items if it["row"] == "extractive:0")
    assert all(it["given"] == [] for it in items if it["retrieval_k"] == 0)
    # the model rows differ only by the adapter: same prompts, different weights
    assert [it["prompt_tokens"] for it in items if it["row"] == "base:2"] == \
           [it["prompt_tokens"] for it in items if it["row"] == "finetuned:2"]
    report = (results_dir / "report.md").read_text(encoding="utf-8")
    assert "## Ablation" in report and "## By language" in report and report.count("### ") == 3
    for png in ("benchmark_metrics.png", "key_info_distribution.png", "generation_time.png", "ablation.png"):
        assert (results_dir / png).read_bytes()[:4] == b"\x89PNG"

    # a finished run reruns nothing and rewrites the same rows
    calls.clear()
    again = Bench(cfg, echo=lambda s: None, progress=False).run()
    assert calls == [] and again["ablation"] == results["ablation"]


def test_log_from_other_settings_is_refused(tmp_path, setup):
    results_dir = tmp_path / "r"
    results_dir.mkdir()
    (results_dir / PARTIAL_FILE).write_text(json.dumps({"fingerprint": {"other": 1}}) + "\n", encoding="utf-8")
    cfg = _cfg(setup, results_dir, generators=["extractive"])
    with pytest.raises(KzlegalError, match="other settings"):
        Bench(cfg, echo=lambda s: None, progress=False).run()


def test_cli_bench_extractive_only(tmp_path, setup, monkeypatch, capsys):
    from assistant.cli import main

    cfg_file = tmp_path / "ablation.yaml"
    cfg_file.write_text(f"data: {setup / 'alpaca.jsonl'}\nsample_size: 4\ngenerators: [extractive]\n"
                        f"retrieval_ks: [0, 1]\nindex_dir: {setup / 'index'}\nstore_dir: {setup / 'store'}\n"
                        "bootstrap_resamples: 20\n", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["kzlegal", "bench", "--config", str(cfg_file), "--out", str(tmp_path / "out")])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr().out
    assert code in (0, None)
    assert "| extractive | 1 | 4 |" in out
    assert load_results(tmp_path / "out")["config"]["primary"] == "extractive:0"
