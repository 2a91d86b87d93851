"""The ablation behind ``kzlegal bench``: generator × retrieval depth on one seeded sample.

Rows are (generator, retrieval k) pairs:

* ``base`` — the adapter run's base model (Qwen3-8B on a GPU, the tiny random Qwen3 on CPU) with
  no adapter, prompted in the run's recorded format (so base and fine-tuned see the same text);
* ``finetuned`` — the same base model with the run's LoRA adapter;
* ``extractive`` — no language model: quotations from the retrieved articles (assistant package).

and k ∈ ``retrieval_ks``: 0 means no retrieval (the model answers from memory; the extractive
generator then has nothing to quote and gives its fixed «no articles retrieved» answer, kept as a
floor row rather than dropped), k > 0 puts the top-k articles in the prompt through the
assistant's prompt builder. Every row answers the same items, is scored with the same metric set
(:mod:`evaluation.scoring`) against the Alpaca ``output``, and is aggregated the same way.

Each item is searched once, to the deepest k; shallower rows take a prefix of that ranking (the
searcher's fused ranking does not depend on k). Finished items are appended to
``RESULTS_DIR/partial.jsonl`` batch by batch (:mod:`evaluation.partial`); a rerun skips them.
The final files are written atomically at the end: ``results.json``, ``items.jsonl`` (every
row's items), ``report.md`` and the four plots.
"""
from __future__ import annotations

import gc
import platform
import zlib
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from tqdm import tqdm

from corpora.errors import KzlegalError
from evaluation.aggregate import breakdown, mean_of
from evaluation.batch_generate import GenerationSettings, generate_batch, warm_up
from evaluation.config import EvalConfig
from evaluation.partial import PartialLog, row_name
from evaluation.results import ablation_row, build_results, write_results
from evaluation.sample import load_alpaca, seeded_sample
from evaluation.scoring import METRIC_SETS, ScoringContext, score_answers

GENERATORS = ("base", "finetuned", "extractive")
MODEL_GENERATORS = ("base", "finetuned")
ITEMS_FILE = "items.jsonl"
REPORT_FILE = "report.md"

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Row:
    """One ablation configuration."""

    generator: str
    k: int

    @property
    def name(self) -> str:
        return row_name(self.generator, self.k)


def plan_rows(cfg: EvalConfig) -> list[Row]:
    """The rows to run, generator-major (a model is loaded once for all its rows); bad values name the key."""
    unknown = [g for g in cfg.generators if g not in GENERATORS]
    if unknown or not cfg.generators:
        raise KzlegalError(f"generators: {unknown or 'empty'}; choose from {', '.join(GENERATORS)}")
    if not cfg.retrieval_ks or any(k < 0 or k > 50 for k in cfg.retrieval_ks):
        raise KzlegalError(f"retrieval_ks must be numbers 0..50 (0 = no retrieval); got {cfg.retrieval_ks}")
    if cfg.metrics not in METRIC_SETS:
        raise KzlegalError(f"metrics must be one of {', '.join(METRIC_SETS)}; got {cfg.metrics!r}")
    if cfg.batch_size < 1 or cfg.max_new_tokens < 1:
        raise KzlegalError("batch_size and max_new_tokens must be at least 1")
    ks = sorted(set(cfg.retrieval_ks))
    return [Row(g, k) for g in dict.fromkeys(cfg.generators) for k in ks]


# --- the adapter run ----------------------------------------------------------------------------

def train_command(cfg: EvalConfig) -> str:
    return f"kzlegal train --config {cfg.train_config} --data {cfg.data} --output {cfg.adapter}"


def ensure_run(cfg: EvalConfig, echo: Echo) -> dict[str, Any]:
    """The adapter run's description (``assistant.generators.hf.read_run``), training it first when
    it is missing and ``train_if_missing`` is set; otherwise a missing run says how to create it."""
    from assistant.generators.hf import read_run

    if not cfg.adapter:
        raise KzlegalError("the base/finetuned rows need adapter: RUN_DIR (a `kzlegal train` run) in the bench config")
    run_dir = Path(cfg.adapter)
    if not (run_dir / "adapter_config.json").is_file() and not (run_dir / "adapter" / "adapter_config.json").is_file():
        if not cfg.train_if_missing:
            raise KzlegalError(f"adapter run {run_dir} not found; create it with `{train_command(cfg)}` "
                               "(or set train_if_missing=true)")
        echo(f"adapter run {run_dir} is missing: training it ({train_command(cfg)})")
        from finetune.cli import resolve_config
        from finetune.recipe import run_training

        train_cfg = resolve_config(cfg.train_config, cfg.data, None, str(run_dir), ())
        run_training(train_cfg, run_dir, echo=echo)
    run = read_run(run_dir)
    run["run_dir"] = str(run_dir)
    return run


def held_out_lines(cfg: EvalConfig, run: dict[str, Any] | None, notes: list[str]) -> set[int] | None:
    """Line numbers of ``cfg.data`` the adapter was *not* trained on (its validation split), or None
    when every line is fair game (no run, or the run trained on another file or a separate
    validation file). Sampling from these keeps the fine-tuned row from being tested on its training data."""
    if run is None:
        return None
    import json

    from finetune.data import in_validation, load_samples

    resolved_path = Path(run["run_dir"]) / "resolved_config.json"
    recipe = json.loads(resolved_path.read_text(encoding="utf-8")) if resolved_path.is_file() else {}
    trained_on = recipe.get("data")
    if not trained_on or Path(trained_on).resolve() != Path(cfg.data).resolve():
        notes.append(f"the adapter was trained on {trained_on or 'an unrecorded file'}, not {cfg.data}: "
                     "the sample is drawn from the whole file")
        return None
    if recipe.get("validation_data"):
        notes.append("the adapter run used a separate validation file: the sample is drawn from the whole file")
        return None
    fraction = float(recipe.get("validation_fraction") or 0)
    samples, _ = load_samples(cfg.data)
    held = {s.line for s in samples if in_validation(s, fraction)}
    notes.append(f"sample drawn from the {len(held)} lines the adapter run held out for validation "
                 f"(validation_fraction {fraction}), never from its training lines")
    return held


def load_sample(cfg: EvalConfig, held: set[int] | None) -> list[dict[str, Any]]:
    items = load_alpaca(cfg.data)
    if held is not None:
        items = [it for it in items if int(it["id"].split("-")[1]) in held]
        if not items:
            raise KzlegalError(f"{cfg.data}: no held-out lines to sample from (validation_fraction 0?)")
    return seeded_sample(items, cfg.sample_size, cfg.sample_seed)


# --- generation ---------------------------------------------------------------------------------

def batch_seed(cfg: EvalConfig, row: Row, ids: Sequence[str]) -> int:
    """A sampling seed fixed by the row and the batch's items, so a rerun of that batch repeats it."""
    return cfg.generation_seed + zlib.crc32(f"{row.name}|{','.join(ids)}".encode()) % 1_000_000


def gen_items(cfg: EvalConfig, row: Row, batch: list[dict[str, Any]], prompts: list[Any], generator: Any) -> list[dict[str, Any]]:
    """Answer a batch: one ``model.generate`` call for model rows, timed quotation for extractive."""
    import time

    if row.generator == "extractive":
        out = []
        for item, prompt in zip(batch, prompts):
            start = time.perf_counter()
            text = generator.generate(prompt)
            out.append({"prediction": text.strip(), "gen_time": time.perf_counter() - start, "new_tokens": None})
        return out
    settings = GenerationSettings(cfg.max_new_tokens, cfg.temperature, cfg.top_p, batch_seed(cfg, row, [i["id"] for i in batch]))
    return [{"prediction": g.text, "gen_time": g.gen_time, "new_tokens": g.new_tokens}
            for g in generate_batch(generator, prompts, settings)]


class Bench:
    """Runs the planned rows over the sample, logging each finished batch."""

    def __init__(self, cfg: EvalConfig, echo: Echo = print, progress: bool = True, searcher: Any = None):
        self.cfg = cfg
        self.echo = echo
        self.progress = progress
        self.rows = plan_rows(cfg)
        self.notes: list[str] = []
        self._searcher = searcher
        self._assistant = None
        self._hits: dict[str, list[Any]] = {}

    # -- shared pieces ------------------------------------------------------------------------

    @property
    def assistant(self) -> Any:
        """An extractive ``Assistant`` over the index: retrieval, prompts and the corpus store."""
        if self._assistant is None:
            from assistant.config import AssistantConfig
            from assistant.pipeline import Assistant

            acfg = AssistantConfig(generator="extractive", index_dir=self.cfg.index_dir, store_dir=self.cfg.store_dir,
                                   prompt_budget_tokens=self.cfg.prompt_budget_tokens, max_new_tokens=self.cfg.max_new_tokens)
            self._assistant = Assistant(acfg, searcher=self._searcher)
        return self._assistant

    def hits(self, item: dict[str, Any], k: int) -> list[Any]:
        """The item's top-k articles: searched once to the deepest k, shallower k take a prefix."""
        if k == 0:
            return []
        if item["id"] not in self._hits:
            deepest = max(self.cfg.retrieval_ks)
            self._hits[item["id"]] = self.assistant.retrieve(item["question"], deepest, None, item["lang"])
        return self._hits[item["id"]][:k]

    def prompt(self, assistant: Any, item: dict[str, Any], k: int) -> Any:
        """The assistant's prompt for the item (articles trimmed to the budget by the assistant's builder)."""
        return assistant.build_prompt(item["question"], item["lang"], self.hits(item, k), retrieval=k > 0)

    def scoring_context(self) -> ScoringContext:
        ctx = ScoringContext(bertscore_model=self.cfg.bertscore_model, bertscore_num_layers=self.cfg.bertscore_num_layers)
        if self.cfg.metrics == "all":
            try:
                store = self.assistant.store if self.needs_retrieval else _load_store(self.cfg.store_dir)
                ctx.article_exists = lambda act_id, article: store.get(act_id, article) is not None
            except (KzlegalError, OSError) as exc:
                ctx.notes.append(f"verified skipped: {exc}")
        return ctx

    @property
    def needs_retrieval(self) -> bool:
        return any(r.k > 0 for r in self.rows)

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Run every row (resuming from the log), then write the final outputs; returns results.json's data."""
        cfg = self.cfg
        results_dir = Path(cfg.results_dir)
        model_rows = [r for r in self.rows if r.generator in MODEL_GENERATORS]
        run = ensure_run(cfg, self.echo) if model_rows else None
        sample = load_sample(cfg, held_out_lines(cfg, run, self.notes))
        order = [it["id"] for it in sample]
        langs = {lang: sum(1 for it in sample if it["lang"] == lang) for lang in sorted({it["lang"] for it in sample})}
        self.echo(f"sample: {len(sample)} items of {cfg.data} (seed {cfg.sample_seed}; "
                  + ", ".join(f"{n} {lang}" for lang, n in langs.items()) + f"); rows: {', '.join(r.name for r in self.rows)}")
        model_info = {k: run[k] for k in ("run_dir", "base_model", "adapter", "prompt_format")} if run else None
        if run and cfg.base_model:
            model_info["base_model"] = cfg.base_model
        log = PartialLog(results_dir, self.fingerprint(order, model_info))
        ctx = self.scoring_context()
        todo = {row: [it for it in sample if not log.done(row.name, it["id"])] for row in self.rows}
        left = sum(len(v) for v in todo.values())
        if left < len(sample) * len(self.rows):
            self.echo(f"resuming: {len(sample) * len(self.rows) - left} answers already in {log.path}, {left} to go")
        with tqdm(total=left, desc="ablation", unit="answer", disable=not self.progress) as bar:
            for generator_name in dict.fromkeys(r.generator for r in self.rows):
                rows = [r for r in self.rows if r.generator == generator_name and todo[r]]
                if not rows:
                    continue
                generator, assistant = self._generator_for(generator_name, run)
                if generator_name in MODEL_GENERATORS:
                    warm_up(generator, self.prompt(assistant, todo[rows[0]][0], 0))
                for row in rows:
                    bar.set_description(row.name)
                    for start in range(0, len(todo[row]), cfg.batch_size):
                        batch = todo[row][start:start + cfg.batch_size]
                        log.add(self._answer_batch(row, batch, assistant, generator, ctx))
                        bar.update(len(batch))
                del generator, assistant
                gc.collect()
                _free_gpu()
        self.notes += [n for n in dict.fromkeys(ctx.notes) if n not in self.notes]
        return self.finish(log, order, sample, model_info)

    def _generator_for(self, name: str, run: dict[str, Any] | None) -> tuple[Any, Any]:
        """(generator, assistant building that row's prompts): the assistant's own hf generator for the
        model rows (the run's base model, with the adapter for ``finetuned``), sharing index and store;
        prompts are then fitted to the budget in the model's own tokens."""
        if name == "extractive" or run is None:
            return self.assistant.generator, self.assistant
        if self.needs_retrieval:
            self.assistant.searcher  # load the index once; with_config shares it
        finetuned = name == "finetuned"
        assistant = self.assistant.with_config(
            generator="hf", adapter=run["run_dir"] if finetuned else None,
            hf_model=self.cfg.base_model or (None if finetuned else run["base_model"]),
            prompt_format=run["prompt_format"], hf_device=self.cfg.device, hf_load_in_4bit=self.cfg.load_in_4bit,
            temperature=self.cfg.temperature)
        return assistant.generator, assistant

    def _answer_batch(self, row: Row, batch: list[dict[str, Any]], assistant: Any, generator: Any,
                      ctx: ScoringContext) -> list[dict[str, Any]]:
        """Prompt, answer, score and tag one batch. An item whose prompt cannot be built (its question
        alone overflows the budget) gets an empty answer with ``error`` set, scored as such."""
        from assistant.config import AssistantError

        prompts: list[Any] = []
        errors: list[str | None] = []
        for item in batch:
            try:
                prompts.append(self.prompt(assistant, item, row.k))
                errors.append(None)
            except AssistantError as exc:
                prompts.append(None)
                errors.append(str(exc))
        ready = [(item, prompt) for item, prompt in zip(batch, prompts) if prompt is not None]
        answers = iter(gen_items(self.cfg, row, [i for i, _ in ready], [p for _, p in ready], generator) if ready else [])
        records, extra = [], []
        for item, prompt, error in zip(batch, prompts, errors):
            answer = next(answers) if prompt is not None else {"prediction": "", "gen_time": None, "new_tokens": None}
            given = [{"act_id": c.article.act_id, "article": c.article.article} for c in prompt.contexts] if prompt else []
            gen_time = round(answer["gen_time"], 4) if answer["gen_time"] is not None else None
            records.append({"id": item["id"], "question": item["question"], "reference": item["reference"],
                            "prediction": answer["prediction"], "lang": item["lang"], "domain": None,
                            "given": given, "citations": None, "act": None, "gen_time": gen_time})
            extra.append({"given": given, "new_tokens": answer["new_tokens"],
                          "prompt_tokens": prompt.tokens if prompt is not None else None,
                          **({"error": error} if error else {})})
        scored = score_answers(records, self.cfg.metrics, ctx, progress=False)
        return [{"row": row.name, "generator": row.generator, "retrieval_k": row.k, **result, **more}
                for result, more in zip(scored, extra)]

    def fingerprint(self, order: list[str], model_info: dict[str, Any] | None) -> dict[str, Any]:
        """What makes two runs' answers comparable: sample, model, generation and prompt settings."""
        cfg = self.cfg
        return {"data": str(cfg.data), "sample": order, "model": model_info, "metrics": cfg.metrics,
                "generation": {"max_new_tokens": cfg.max_new_tokens, "temperature": cfg.temperature, "top_p": cfg.top_p,
                               "seed": cfg.generation_seed, "batch_size": cfg.batch_size},
                "prompt_budget_tokens": cfg.prompt_budget_tokens, "index": self.index_identity()}

    def index_identity(self) -> dict[str, Any] | None:
        """Which index the retrieval rows searched (a rebuilt index gives other articles, so a new log)."""
        if not self.needs_retrieval:
            return None
        manifest = self.assistant.searcher.data.manifest
        return {"built_at": manifest.get("built_at"), "corpus": manifest["corpus"]["content_hash"],
                "embedder": manifest["embedder"]["id"]}

    # -- outputs ------------------------------------------------------------------------------

    def finish(self, log: PartialLog, order: list[str], sample: list[dict[str, Any]],
               model_info: dict[str, Any] | None) -> dict[str, Any]:
        """Aggregate every row, then write results.json, items.jsonl, report.md and the plots atomically."""
        from evaluation.plots import draw_all
        from evaluation.report import bench_markdown, write_items_jsonl

        cfg = self.cfg
        rows, all_items = [], []
        for row in self.rows:
            items = log.row_items(row.name, order)
            all_items += items
            entry = ablation_row(row.generator, row.k, items, n_resamples=cfg.bootstrap_resamples, seed=cfg.bootstrap_seed)
            times = [it["gen_time"] for it in items if it.get("gen_time") is not None]
            entry["timing"] = {"avg_gen_time_s": mean_of(times), "total_gen_time_s": float(sum(times))}
            # how much retrieved text actually reached the model: a small context trims articles away
            entry["prompt"] = {"avg_articles": mean_of(len(it.get("given") or []) for it in items),
                               "avg_prompt_tokens": mean_of(it["prompt_tokens"] for it in items
                                                            if it.get("prompt_tokens") is not None)}
            entry["by_lang"] = breakdown(items, "lang")
            rows.append(entry)
        primary = next((r for r in self.rows if r.name == cfg.primary), None)
        if primary is None:
            primary = self.rows[0]
            self.notes.append(f"primary row {cfg.primary!r} is not among the rows; 'results' holds {primary.name}")
        primary_items = [_plain(it) for it in log.row_items(primary.name, order)]
        if any(r.generator == "extractive" and r.k == 0 for r in self.rows):
            self.notes.append("extractive with no retrieval has no articles to quote: its answer is the fixed "
                              "«no articles retrieved» text, kept as a floor row")
        config = {**asdict(cfg), "model": model_info, "primary": primary.name, "rows": [r.name for r in self.rows],
                  "sample_ids": order, "device": _device_name(cfg), "python": platform.python_version()}
        results = build_results(config, primary_items, rows, notes=self.notes, n_resamples=cfg.bootstrap_resamples,
                                seed=cfg.bootstrap_seed)
        results_dir = Path(cfg.results_dir)
        write_items_jsonl(results_dir / ITEMS_FILE, all_items)
        write_results(results_dir, results)
        from corpora.atomic import write_text

        write_text(results_dir / REPORT_FILE, bench_markdown(results, all_items, cfg.report_examples))
        written, skipped = draw_all(results, results_dir)
        for path in written:
            self.echo(f"wrote {path}")
        for reason in skipped:
            self.echo(f"skipped {reason}")
        return results


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A logged item without its row tags (the shape of results.json's ``results``)."""
    return {k: v for k, v in item.items() if k not in ("row", "generator", "retrieval_k")}


def _load_store(store_dir: str | None) -> Any:
    from corpora.store import load_store

    return load_store(store_dir)


def _free_gpu() -> None:
    try:
        import torch
    except ImportError:
        return
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _device_name(cfg: EvalConfig) -> str:
    try:
        import torch
    except ImportError:
        return "cpu"
    if cfg.device != "cpu" and torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"cpu ({platform.processor() or platform.machine()})"
