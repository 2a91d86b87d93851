"""The ``kzlegal`` command: one entry point, subcommands owned by each package.

Each package defines its commands in its own ``cli.py``; they are imported only when
invoked, so ``kzlegal cite`` never pays for importing torch.
"""
from __future__ import annotations

import importlib
import sys

import click

#: command name -> "module:attribute" of a click command or group.
COMMANDS: dict[str, str] = {
    "corpus": "corpora.cli:corpus",
    "index": "retrieval.cli:index",
    "search": "retrieval.cli:search",
    "cite": "retrieval.cli:cite",
    "train": "finetune.cli:train",
    "export": "finetune.cli:export",
    "eval": "evaluation.cli:eval_group",
    "bench": "evaluation.cli:bench",
    "plots": "assistant.cli:plots",
    "ask": "assistant.commands:ask",
    "chat": "assistant.commands:chat",
    "app": "assistant.commands:app",
}

HELP = {
    "corpus": "Build and inspect the statute corpus store.",
    "index": "Build the hybrid (FAISS + BM25) search index.",
    "search": "Search statute articles for a question.",
    "cite": "Find and resolve citations («ст. 28 ТК РК») in a text.",
    "train": "Train a QLoRA adapter from a recipe in configs/.",
    "export": "Merge an adapter for serving (merged-16bit, gguf).",
    "eval": "Score answers or retrieval runs.",
    "bench": "Run the fine-tuning vs retrieval ablation.",
    "plots": "Draw plots for a training run or a benchmark.",
    "ask": "Answer a legal question with cited, verified articles.",
    "chat": "Interactive terminal chat.",
    "app": "Start the Streamlit app.",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def __init__(self, *args, lazy: dict[str, str], help_texts: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy
        self.help_texts = help_texts

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return self.commands[name]
        if name not in self.lazy:
            return None
        module_name, attr = self.lazy[name].split(":")
        return getattr(importlib.import_module(module_name), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.help_texts.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, lazy=COMMANDS, help_texts=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kzlegal")
def cli() -> None:
    """kzlegal: a legal assistant for the law of the Republic of Kazakhstan (ru/kk)."""


@click.group(
    cls=LazyGroup,
    lazy={"train": "finetune.plots:plots_train", "bench": "evaluation.plots:plots_bench"},
    help_texts={"train": "training_loss.png and learning_rate.png for a run.", "bench": "Benchmark plots for a results directory."},
)
def plots() -> None:
    """Draw plots for a training run or a benchmark."""


def main() -> None:
    """Console-script entry: run the CLI, turning known user errors into one-line messages."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (KzlegalError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


from corpora.errors import KzlegalError  # noqa: E402  (kept below: the root has no heavy imports)

if __name__ == "__main__":
    main()
