"""A small OpenAI-compatible HTTP server for a local transformers model (+ optional LoRA adapter).

    python -m assistant.serve --model MODEL_DIR [--adapter RUN_DIR] [--port 8000] [--api-key-env VAR]

Endpoints: ``GET /health``, ``GET /v1/models``, ``POST /v1/chat/completions`` (``stream`` as
server-sent events) and ``POST /v1/completions``. It is what the ``openai`` generator's tests
run against, and a way to serve a tiny or CPU model without vLLM; for real serving use vLLM
(``vllm serve MERGED_DIR``) or the llama.cpp server. Requests are answered one at a time.
When ``--api-key-env`` names a set variable, requests must carry ``Authorization: Bearer <key>``.
"""
from __future__ import annotations

import argparse
import json
import os
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator


class LocalModel:
    """A causal LM and its tokenizer; messages are rendered with the tokenizer's chat template
    (Qwen3's, shipped in finetune/templates, when the tokenizer has none)."""

    def __init__(self, model_dir: str, adapter: str | None = None, name: str = "kzlegal"):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.name = name
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
        if adapter:
            from peft import PeftModel

            from assistant.generators.hf import read_run

            model = PeftModel.from_pretrained(model, read_run(adapter)["adapter"])
        self.model = model.eval()
        self.lock = threading.Lock()

    def render(self, messages: list[dict[str, str]]) -> str:
        from finetune.prompts import qwen3_chat_template

        template = getattr(self.tokenizer, "chat_template", None) or qwen3_chat_template()
        return self.tokenizer.apply_chat_template(messages, chat_template=template, tokenize=False,
                                                  add_generation_prompt=True, enable_thinking=False)

    def stream(self, text: str, max_tokens: int, temperature: float) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        enc = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        tok = self.tokenizer
        kwargs: dict[str, Any] = {"max_new_tokens": max_tokens, "streamer": streamer,
                                  "pad_token_id": tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id}
        kwargs.update({"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False})

        def run() -> None:
            with torch.inference_mode():
                self.model.generate(**enc, **kwargs)

        with self.lock:
            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            yield from (piece for piece in streamer if piece)
            thread.join()


def make_handler(model: LocalModel, api_key: str | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:  # request lines only; headers (keys) never logged
            if os.environ.get("KZLEGAL_SERVE_LOG"):
                super().log_message(fmt, *args)

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            if not api_key:
                return True
            if self.headers.get("Authorization", "") == f"Bearer {api_key}":
                return True
            self._send(401, {"error": {"message": "invalid or missing API key", "type": "invalid_request_error"}})
            return False

        def do_GET(self) -> None:  # noqa: N802
            if self.path in ("/health", "/v1/health"):
                self._send(200, {"status": "ok"})
            elif self.path == "/v1/models":
                if self._authorized():
                    self._send(200, {"object": "list", "data": [{"id": model.name, "object": "model", "owned_by": "kzlegal"}]})
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:  # noqa: N802
            if not self._authorized():
                return
            try:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
            except (ValueError, json.JSONDecodeError):
                self._send(400, {"error": {"message": "the body is not JSON"}})
                return
            if self.path == "/v1/chat/completions":
                messages = body.get("messages")
                if not isinstance(messages, list) or not messages:
                    self._send(400, {"error": {"message": "messages must be a non-empty list"}})
                    return
                text, chat = model.render(messages), True
            elif self.path == "/v1/completions":
                if not isinstance(body.get("prompt"), str):
                    self._send(400, {"error": {"message": "prompt must be a string"}})
                    return
                text, chat = body["prompt"], False
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            max_tokens = int(body.get("max_tokens") or 256)
            temperature = float(body.get("temperature") or 0.0)
            pieces = model.stream(text, max_tokens, temperature)
            rid = f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex[:16]}"
            if body.get("stream"):
                self._stream(pieces, rid, chat)
                return
            out = "".join(pieces)
            choice = ({"index": 0, "message": {"role": "assistant", "content": out}, "finish_reason": "stop"} if chat
                      else {"index": 0, "text": out, "finish_reason": "stop"})
            self._send(200, {"id": rid, "object": "chat.completion" if chat else "text_completion",
                             "created": int(time.time()), "model": model.name, "choices": [choice]})

        def _stream(self, pieces: Iterator[str], rid: str, chat: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for piece in pieces:
                choice = {"index": 0, "delta": {"content": piece}} if chat else {"index": 0, "text": piece}
                event = {"id": rid, "object": "chat.completion.chunk" if chat else "text_completion",
                         "model": model.name, "choices": [choice]}
                self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode("utf-8"))
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    return Handler


def serve(model_dir: str, adapter: str | None = None, host: str = "127.0.0.1", port: int = 8000, name: str = "kzlegal",
          api_key: str | None = None) -> ThreadingHTTPServer:
    """A started-up (not yet serving) server; call ``serve_forever()`` on it."""
    model = LocalModel(model_dir, adapter, name)
    return ThreadingHTTPServer((host, port), make_handler(model, api_key))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m assistant.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="transformers model directory (or hub id in the local cache)")
    parser.add_argument("--adapter", help="a `kzlegal train` run directory whose adapter to apply")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--name", default="kzlegal", help="the model id clients ask for")
    parser.add_argument("--api-key-env", help="environment variable holding the key clients must send")
    args = parser.parse_args(argv)
    key = os.environ.get(args.api_key_env) if args.api_key_env else None
    server = serve(args.model, args.adapter, args.host, args.port, args.name, key)
    print(f"serving {args.name} on http://{args.host}:{server.server_address[1]}/v1", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
