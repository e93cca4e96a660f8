"""The web part of the benchmark: the real app in a subprocess, asked through gradio_client by
one client, then by a room of simulated participants at once."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import PROJECT_ROOT
from .stats import summary_ms

ALL_SECTIONS = "All sections"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MB; NaN where /proc is not there."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    ready_s: float  # from process start until the page answered
    first_answer_s: float = 0.0  # from process start until the first API answer


@contextmanager
def running_app(index_dir: Path, *, timeout: float = 180.0, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """``assistant serve`` on a free port of 127.0.0.1, stopped on exit."""
    port = free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed below
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--index-dir", str(index_dir), "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})},
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited with code {process.returncode} before serving")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"the app did not answer on {url} within {timeout:.0f} s")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        server = Server(process, url, time.perf_counter() - started)
        client = connect(url)
        ask(client, "Who moderated Panel 3?")
        server.first_answer_s = time.perf_counter() - started
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def connect(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False)


def reply_text(history: Any) -> str:
    """The text of the last assistant message in a chat history returned by the app."""
    for message in reversed(history or []):
        if isinstance(message, dict) and message.get("role") == "assistant":
            content = message.get("content")
            if isinstance(content, list):
                return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
            return str(content)
    return ""


def ask(client: Any, question: str) -> str:
    """One question through the app's /ask endpoint, as a new conversation; the reply's text."""
    client.reset_session()  # else the app's per-session state reads the question as a follow-up
    result = client.predict(question, [], ALL_SECTIONS, api_name="/ask")
    history = result[0] if isinstance(result, list | tuple) else result
    return reply_text(history)


def single_client(url: str, questions: list[str], warmup: int = 3) -> tuple[dict[str, Any], dict[str, str]]:
    """Latency of each question asked in turn by one client, and each reply (the reference answers)."""
    client = connect(url)
    for question in questions[:warmup]:
        ask(client, question)
    seconds, replies = [], {}
    for question in questions:
        begun = time.perf_counter()
        replies[question] = ask(client, question)
        seconds.append(time.perf_counter() - begun)
    return summary_ms(seconds), replies


@dataclass
class RoomResult:
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    mismatches: int = 0
    wall_s: float = 0.0


def room(
    url: str,
    questions: list[str],
    reference: dict[str, str],
    *,
    participants: int = 40,
    asks: int = 10,
    think: tuple[float, float] = (0.5, 1.5),
    seed: int = 5,
) -> dict[str, Any]:
    """``participants`` threads, each with its own client, each asking ``asks`` questions with a
    random think time between them; every reply is compared with the single-client reply."""
    result = RoomResult()
    lock = threading.Lock()
    clients = [connect(url) for _ in range(participants)]
    gate = threading.Barrier(participants + 1)

    def participant(number: int) -> None:
        chance = random.Random(seed * 1000 + number)
        gate.wait()
        time.sleep(chance.uniform(0, think[1]))  # people do not press Enter at the same instant
        for turn in range(asks):
            question = questions[(number * 7 + turn) % len(questions)]
            begun = time.perf_counter()
            try:
                text = ask(clients[number], question)
            except Exception as error:  # any failure is an error of the room run
                with lock:
                    result.errors.append(f"{type(error).__name__}: {error}"[:200])
                continue
            took = time.perf_counter() - begun
            with lock:
                result.seconds.append(took)
                result.mismatches += text != reference.get(question)
            time.sleep(chance.uniform(*think))

    threads = [threading.Thread(target=participant, args=(n,), daemon=True) for n in range(participants)]
    for thread in threads:
        thread.start()
    gate.wait()
    begun = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    result.wall_s = time.perf_counter() - begun
    done = len(result.seconds)
    return {
        "participants": participants,
        "questions_each": asks,
        "think_s": list(think),
        **summary_ms(result.seconds),
        "requests": done + len(result.errors),
        "errors": len(result.errors),
        "error_examples": result.errors[:3],
        "mismatches": result.mismatches,
        "identical_answers": result.mismatches == 0 and done == participants * asks,
        "wall_s": result.wall_s,
        "throughput_rps": done / result.wall_s if result.wall_s else 0.0,
    }
