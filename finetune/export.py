"""``kzlegal export RUN_DIR --format merged-16bit|gguf``: the adapter merged into its base for serving.

* ``merged-16bit`` — transformers safetensors in bfloat16 (float32 for the tiny CPU model), loadable
  by vLLM and transformers. Needs only the ``train`` extra. A 4-bit base (the reference's
  ``unsloth/Qwen3-8B-unsloth-bnb-4bit``) is not merged into: merging into quantized weights loses
  precision, so its 16-bit original (``unsloth/Qwen3-8B``) is loaded instead, or ``--base``.
* ``gguf`` — for llama.cpp: the merged-16bit export, then llama.cpp's ``convert_hf_to_gguf.py``
  (a llama.cpp checkout given by ``--llama-cpp`` or ``$LLAMA_CPP_DIR``, plus its ``gguf`` Python
  package). Neither is a kzlegal dependency; the command says so when they are missing.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

from corpora.atomic import atomic_dir
from finetune.config import TINY, FinetuneError
from finetune.runs import read_run_info

#: 4-bit checkpoints → the 16-bit weights they were quantized from.
SIXTEEN_BIT_BASE = {
    "unsloth/Qwen3-8B-unsloth-bnb-4bit": "unsloth/Qwen3-8B",
    "unsloth/Qwen3-8B-bnb-4bit": "unsloth/Qwen3-8B",
}


def merged_base(run_dir: Path, base: str | None) -> str:
    info = read_run_info(run_dir)
    if base:
        return base
    if info.base_model == TINY:
        return info.base_model_path
    return SIXTEEN_BIT_BASE.get(info.base_model, info.base_model_path)


def export_merged(run_dir: Path, target: Path, base: str | None = None, echo: Callable[[str], None] = print) -> Path:
    """Merge LoRA into the 16-bit base and save model + tokenizer (atomically) at ``target``."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    info = read_run_info(run_dir)
    base_id = merged_base(run_dir, base)
    dtype = torch.float32 if info.base_model == TINY else torch.bfloat16
    echo(f"merging {run_dir} into {base_id} ({dtype})")
    try:
        model = AutoModelForCausalLM.from_pretrained(base_id, dtype=dtype)
    except OSError as exc:
        raise FinetuneError(f"cannot load the 16-bit base {base_id!r} (pass --base PATH to a local copy): {exc}") from exc
    merged = PeftModel.from_pretrained(model, str(run_dir)).merge_and_unload()
    tokenizer = AutoTokenizer.from_pretrained(str(run_dir))
    with atomic_dir(target) as tmp:
        merged.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
    return target


def find_converter(llama_cpp: str | None) -> Path:
    root = llama_cpp or os.environ.get("LLAMA_CPP_DIR")
    if not root:
        raise FinetuneError(
            "gguf export needs llama.cpp's converter: pass --llama-cpp DIR or set LLAMA_CPP_DIR to a llama.cpp "
            "checkout (and pip install gguf); merged-16bit needs nothing extra"
        )
    script = Path(root) / "convert_hf_to_gguf.py"
    if not script.is_file():
        raise FinetuneError(f"{script} not found: --llama-cpp must point at a llama.cpp checkout")
    return script


def export_run(
    run_dir: Path,
    fmt: str,
    output: Path | None = None,
    base: str | None = None,
    quantization: str = "q8_0",
    llama_cpp: str | None = None,
    echo: Callable[[str], None] = print,
) -> Path:
    """Export ``run_dir`` in ``fmt``; returns the folder (merged-16bit) or the .gguf file."""
    if fmt == "merged-16bit":
        return export_merged(run_dir, output or run_dir / "export-merged-16bit", base, echo)
    if fmt != "gguf":
        raise FinetuneError(f"unknown export format {fmt!r} (merged-16bit, gguf)")
    script = find_converter(llama_cpp)  # fail before the slow merge
    merged = export_merged(run_dir, run_dir / "export-merged-16bit", base, echo)
    target = output or run_dir / f"export-gguf/model-{quantization}.gguf"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    cmd = [sys.executable, str(script), str(merged), "--outfile", str(tmp), "--outtype", quantization]
    echo(" ".join(cmd))
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise FinetuneError(f"convert_hf_to_gguf.py failed ({result.returncode}): {result.stderr.strip()[-800:]}")
    os.replace(tmp, target)
    return target
