"""The ``hf`` generator: a local transformers model, optionally with a PEFT (LoRA) adapter from a
``kzlegal train`` run, streaming tokens as they are generated.

A run directory holds the adapter (``adapter_config.json`` + weights, at its top or in
``adapter/``) and ``resolved_config.json`` — the recipe it was trained with: ``base_model`` and
``prompt_format`` (``alpaca`` | ``chat``). Prompts are formatted exactly as in training, with
``finetune.prompts.format_prompt``: the rules and question are the instruction, the retrieved
articles the input. For the tiny CPU recipe the base model is saved inside the run directory.

On CUDA the base model is loaded in 4-bit NF4 (bitsandbytes) unless disabled; on CPU in float32.
torch and transformers are imported only when the model is first used.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Iterator

from assistant.generators.base import GeneratorError

#: Where a run directory may keep the base model it was trained from (tiny recipe) and the tokenizer.
BASE_DIRS = ("base_model", "base", "model")
TOKENIZER_DIRS = ("tokenizer", "adapter", ".", "base_model", "base", "model")


def _is_model_dir(path: Path) -> bool:
    return (path / "config.json").is_file()


def _has_tokenizer(path: Path) -> bool:
    return (path / "tokenizer.json").is_file() or (path / "tokenizer_config.json").is_file()


def read_run(run_dir: str | Path) -> dict[str, Any]:
    """What a ``kzlegal train`` run directory says about itself: adapter dir, base model, tokenizer, prompt format.

    ``resolved_config.json`` records ``base_model`` (a hub id, or ``tiny``), ``base_model_path``
    (where the base was loaded from; for the tiny recipe ``RUN/base``), ``adapter_dir`` and
    ``tokenizer_dir`` (relative to the run) and ``prompt_format``. A run directory that was moved
    still works: a base model saved inside it is found there. Raises GeneratorError naming the file.
    """
    run = Path(run_dir)
    if not run.is_dir():
        raise GeneratorError(f"adapter run directory not found: {run}")
    resolved: dict[str, Any] = {}
    f = run / "resolved_config.json"
    if f.is_file():
        try:
            resolved = json.loads(f.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise GeneratorError(f"{f}: not valid JSON: {exc}") from exc
    candidates = [run / resolved["adapter_dir"]] if resolved.get("adapter_dir") else []
    adapter = next((d for d in candidates + [run / "adapter", run] if (d / "adapter_config.json").is_file()), None)
    if adapter is None:
        raise GeneratorError(f"{run}: no adapter_config.json (in it or in {run / 'adapter'}); is it a `kzlegal train` run?")
    local_base = next((run / d for d in BASE_DIRS if _is_model_dir(run / d)), None)
    recorded = resolved.get("base_model_path") or resolved.get("base_model")
    if local_base is not None:
        base = str(local_base)
    elif recorded and recorded != "tiny":
        base = str(recorded)
    else:
        adapter_cfg = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
        base = adapter_cfg.get("base_model_name_or_path")
    if not base or base == "tiny":
        raise GeneratorError(f"{run}: the base model is neither recorded (resolved_config.json base_model_path) nor saved in the run")
    tok_candidates = [run / resolved["tokenizer_dir"]] if resolved.get("tokenizer_dir") else []
    tokenizer = next((str(d) for d in tok_candidates + [run / d for d in TOKENIZER_DIRS] if _has_tokenizer(d)), base)
    return {
        "adapter": str(adapter),
        "base_model": base,
        "tokenizer": tokenizer,
        "prompt_format": resolved.get("prompt_format", "chat"),
        "max_seq_length": resolved.get("max_seq_length"),
    }


class HFGenerator:
    """Generate with a local transformers model (+ adapter); the model loads once, on first use."""

    name = "hf"

    def __init__(self, model: str, adapter: str | None = None, tokenizer: str | None = None, prompt_format: str = "chat",
                 device: str = "auto", load_in_4bit: bool = True, max_new_tokens: int = 512, temperature: float = 0.0,
                 max_seq_length: int | None = None):
        self.model_path = model
        self.adapter = adapter
        self.tokenizer_path = tokenizer or model
        self.prompt_format = prompt_format
        self.device_choice = device
        self.load_in_4bit = load_in_4bit
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.max_seq_length = max_seq_length
        self._tokenizer = None
        self._model = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, cfg: Any) -> "HFGenerator":
        """From ``AssistantConfig``: ``adapter`` (a run dir) and/or ``hf_model``; the run's recipe decides
        the prompt format unless ``prompt_format`` is set."""
        run = read_run(cfg.adapter) if cfg.adapter else None
        model = cfg.hf_model or (run["base_model"] if run else None)
        if not model:
            raise GeneratorError("the hf generator needs hf_model=MODEL_DIR or --adapter RUN_DIR")
        return cls(
            model=model,
            adapter=run["adapter"] if run else None,
            tokenizer=run["tokenizer"] if run and not cfg.hf_model else None,
            prompt_format=cfg.prompt_format or (run["prompt_format"] if run else "chat"),
            device=cfg.hf_device, load_in_4bit=cfg.hf_load_in_4bit, max_new_tokens=cfg.max_new_tokens,
            temperature=cfg.temperature, max_seq_length=run["max_seq_length"] if run else None,
        )

    # --- loading ----------------------------------------------------------------------

    @property
    def tokenizer(self) -> Any:
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.tokenizer_path)
            except (OSError, ValueError) as exc:
                raise GeneratorError(f"cannot load the tokenizer from {self.tokenizer_path}: {exc}") from exc
        return self._tokenizer

    def device(self) -> str:
        import torch

        if self.device_choice == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        return self.device_choice

    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
        return self._model

    def _load_model(self) -> Any:
        import torch
        from transformers import AutoModelForCausalLM

        device = self.device()
        kwargs: dict[str, Any] = {}
        if device == "cuda":
            kwargs["dtype"] = torch.bfloat16
            kwargs["device_map"] = {"": 0}
            if self.load_in_4bit:
                try:
                    import bitsandbytes  # noqa: F401
                    from transformers import BitsAndBytesConfig

                    kwargs["quantization_config"] = BitsAndBytesConfig(
                        load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16,
                        bnb_4bit_use_double_quant=True)
                except ImportError:
                    pass  # bf16 without bitsandbytes; a pre-quantized checkpoint carries its own config
        else:
            kwargs["dtype"] = torch.float32
        try:
            model = AutoModelForCausalLM.from_pretrained(self.model_path, **kwargs)
        except (OSError, ValueError) as exc:
            raise GeneratorError(f"cannot load the model from {self.model_path}: {exc}") from exc
        if self.adapter:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, self.adapter)
        if device != "cuda":
            model = model.to(device)
        model.eval()
        return model

    # --- prompting ----------------------------------------------------------------------

    @property
    def max_prompt_tokens(self) -> int | None:
        """The model's context length minus the tokens reserved for the answer (None when unknown)."""
        from transformers import AutoConfig

        try:
            limit = getattr(AutoConfig.from_pretrained(self.model_path), "max_position_embeddings", None)
        except (OSError, ValueError):
            return None
        return max(limit - self.max_new_tokens, 0) if limit else None

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def format(self, prompt: Any) -> str:
        """The prompt text exactly as the adapter was trained on (Alpaca or the chat template)."""
        from finetune.prompts import format_prompt

        return format_prompt(prompt.instruction, prompt.input, self.prompt_format, self.tokenizer)

    def _inputs(self, prompt: Any) -> Any:
        text = self.format(prompt)
        enc = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)
        if self.max_seq_length and enc["input_ids"].shape[1] + self.max_new_tokens > self.max_seq_length * 4:
            raise GeneratorError(f"the prompt has {enc['input_ids'].shape[1]} tokens, far over the model's "
                                 f"max_seq_length {self.max_seq_length}; lower prompt_budget_tokens or k")
        return enc.to(self.model().device)

    def _generate_kwargs(self) -> dict[str, Any]:
        tok = self.tokenizer
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_new_tokens,
                                  "pad_token_id": tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id}
        if self.temperature > 0:
            kwargs.update(do_sample=True, temperature=self.temperature, top_p=0.95)
        else:
            kwargs.update(do_sample=False)
        return kwargs

    def generate(self, prompt: Any) -> str:
        return "".join(self.stream(prompt))

    def stream(self, prompt: Any) -> Iterator[str]:
        """Yield decoded text as tokens are generated (transformers' TextIteratorStreamer in a thread)."""
        from transformers import TextIteratorStreamer

        inputs = self._inputs(prompt)
        model = self.model()
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        errors: list[BaseException] = []

        def run() -> None:
            import torch

            try:
                with torch.inference_mode():
                    model.generate(**inputs, streamer=streamer, **self._generate_kwargs())
            except BaseException as exc:  # surfaced to the caller below
                errors.append(exc)
                streamer.end()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        for piece in streamer:
            if piece:
                yield piece
        thread.join()
        if errors:
            raise GeneratorError(f"generation failed: {errors[0]}") from errors[0]
