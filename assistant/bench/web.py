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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import PROJECT_ROOT
from .stats import summary_ms

if TYPE_CHECKING:
    from ..engine import Assistant
    from ..followup import Turn

ALL_SECTIONS = "All sections"


ROOM_NICENESS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status_mb(pid: int, field: str) -> float:
    """A memory field of /proc/<pid>/status (e.g. "VmHWM:"), in MB; NaN where /proc is not there."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MB."""
    return _status_mb(pid, "VmHWM:")


def rss_mb(pid: int) -> float:
    """Current resident memory (VmRSS) of a live process, in MB."""
    return _status_mb(pid, "VmRSS:")


def soak(
    server: Server, questions: list[str], single_user: SingleUser, minutes: float, participants: int
) -> dict[str, Any]:
    """Rooms of ``participants`` one after another for ``minutes``: errors, answers unlike a single
    user's, and the server's memory after each room, to see whether it keeps growing."""
    ends = time.time() + minutes * 60
    rounds: list[dict[str, Any]] = []
    while time.time() < ends or not rounds:
        result = room(server, questions, single_user, participants=participants, asks=10, seed=len(rounds) + 1)
        rounds.append(
            {
                "requests": result["requests"],
                "errors": result["errors"],
                "mismatches": result["mismatches"],
                "p95_ms": result["p95_ms"],
                "rss_mb": rss_mb(server.process.pid),
            }
        )
    memory = [r["rss_mb"] for r in rounds]
    return {
        "minutes": minutes,
        "rooms": len(rounds),
        "requests": sum(r["requests"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "mismatches": sum(r["mismatches"] for r in rounds),
        "rss_mb_after_each_room": memory,
        "rss_growth_after_first_room_mb": (memory[-1] - memory[0]) if len(memory) > 1 else 0.0,
        "rounds": rounds,
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (all its threads), from /proc; NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
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
    """A client with no time limit on a request: a slow answer in a crowded room is latency, which
    the bench measures, not an error (httpx's default gives up after 5 s)."""
    from gradio_client import Client

    return Client(url, verbose=False, download_files=False, httpx_kwargs={"timeout": None})


def _text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def reply_text(history: Any) -> str:
    """The reply to the last question in a chat returned by the app: its messages, joined."""
    replies: list[str] = []
    for message in reversed(history or []):
        if not isinstance(message, dict) or message.get("role") == "user":
            break
        replies.append(_text(message))
    return "\n\n".join(reversed(replies))


def ask(client: Any, question: str, *, new_session: bool = True) -> str:
    """One question through the app's /ask endpoint; the reply's text.

    ``new_session`` starts a new conversation first, so a short question is never read as a
    follow-up of the previous one. A room keeps one session per participant, as a browser tab
    does: there a short question ("what did she say about smugglers?") is read as a follow-up
    of that participant's previous one, and :class:`SingleUser` gives the reply to expect.
    """
    if new_session:
        client.reset_session()
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


def sequence(number: int, questions: list[str], asks: int) -> list[str]:
    """The questions room participant ``number`` asks, in order: ``asks`` neighbours in the
    file from a start of its own. A follow-up of the workshop set therefore comes after whichever
    question precedes it in the file, and is read as a follow-up of that one."""
    return [questions[(number * 7 + turn) % len(questions)] for turn in range(asks)]


class SingleUser:
    """The replies one user alone gets, in the app's chat, for questions asked in turn in one
    conversation: what a room participant asking the same questions in the same order must see.

    Not each question asked alone: a short question leaning on a pronoun is searched with the
    previous turn's section and words (``followup.resolve``), so its reply depends on what was
    asked before it. A reply depends on the question and that previous turn only, so each pair is
    asked once however many participants share it."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._replies: dict[tuple[str, Turn | None], tuple[str, Turn | None]] = {}  # -> (reply, next turn)

    def __call__(self, questions: list[str]) -> list[str]:
        from ..chat import ALL, Conversation, respond

        previous: Turn | None = None
        replies = []
        for question in questions:
            key = (question, previous)
            if key not in self._replies:
                history, _, conversation = respond(question, [], ALL, Conversation(previous=previous), self.assistant)
                self._replies[key] = (reply_text(history), conversation.previous)
            reply, previous = self._replies[key]
            replies.append(reply)
        return replies


def room_plan(
    questions: list[str], single_user: SingleUser, *, participants: int, asks: int, processes: int
) -> list[dict[int, list[tuple[str, str]]]]:
    """For each process of a room, its participants' questions, each with the reply to expect."""
    plans: list[dict[int, list[tuple[str, str]]]] = [{} for _ in range(processes)]
    for number in range(participants):
        asked = sequence(number, questions, asks)
        plans[number % processes][number] = list(zip(asked, single_user(asked), strict=True))
    return plans


def _participants(
    url: str,
    plan: dict[int, list[tuple[str, str]]],
    think: tuple[float, float],
    seed: int,
    start_at: float,
) -> tuple[list[float], list[str], int, float]:
    """One process of the room: a thread per participant, each with its own client, asking the
    questions of ``plan[number]`` in turn, each with the reply a single user gets. Returns the
    latencies, the errors, the count of replies unlike the single user's, and this process's CPU
    time."""
    lock = threading.Lock()
    seconds: list[float] = []
    errors: list[str] = []
    mismatches = [0]
    clients = {number: connect(url) for number in plan}

    def participant(number: int) -> None:
        chance = random.Random(seed * 1000 + number)
        time.sleep(max(0.0, start_at - time.time()) + chance.uniform(0, think[1]))  # not all at one instant
        for question, expected in plan[number]:
            begun = time.perf_counter()
            try:
                text = ask(clients[number], question, new_session=False)
            except Exception as error:  # any failure is an error of the room run
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:200])
                continue
            took = time.perf_counter() - begun
            with lock:
                seconds.append(took)
                mismatches[0] += text != expected
            time.sleep(chance.uniform(*think))

    cpu = time.process_time()
    threads = [threading.Thread(target=participant, args=(n,), daemon=True) for n in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return seconds, errors, mismatches[0], time.process_time() - cpu


def room(
    server: Server,
    questions: list[str],
    single_user: SingleUser,
    *,
    participants: int = 40,
    asks: int = 10,
    think: tuple[float, float] = (0.5, 1.5),
    processes: int = 8,
    seed: int = 5,
) -> dict[str, Any]:
    """``participants`` simulated people, each with its own client, each asking ``asks`` questions
    (:func:`sequence`) with a random think time between them; every reply is compared with what
    ``single_user`` gets for the same questions in the same order.

    They run as threads in ``processes`` processes: gradio_client costs several times the app's
    CPU per request, and in one process 40 clients would queue on its interpreter lock instead
    of on the app."""
    from concurrent.futures import ProcessPoolExecutor

    processes = max(1, min(processes, participants))
    # The replies to expect, worked out before the room starts: not part of its time.
    plans = room_plan(questions, single_user, participants=participants, asks=asks, processes=processes)
    seconds: list[float] = []
    errors: list[str] = []
    mismatches = 0
    client_cpu = 0.0
    # The simulated participants share the app's two cores here, and cost about three times its CPU
    # per request; at a workshop their browsers run elsewhere. Lower priority lets them take only
    # what the app leaves, so the room measures the app rather than its own load generator.
    with ProcessPoolExecutor(max_workers=processes, initializer=os.nice, initargs=(ROOM_NICENESS,)) as pool:
        start_at = time.time() + 5.0  # time for every process to import gradio_client and connect
        futures = [pool.submit(_participants, server.url, plan, think, seed, start_at) for plan in plans]
        server_cpu = cpu_seconds(server.process.pid)
        for future in futures:
            got, failed, unlike, cpu = future.result(timeout=900)
            seconds += got
            errors += failed
            mismatches += unlike
            client_cpu += cpu
        wall = time.time() - start_at
        server_cpu = cpu_seconds(server.process.pid) - server_cpu
    done = len(seconds)
    return {
        "participants": participants,
        "questions_each": asks,
        "think_s": list(think),
        "client_processes": processes,
        **summary_ms(seconds),
        "requests": done + len(errors),
        "errors": len(errors),
        "error_examples": errors[:3],
        "mismatches": mismatches,
        "identical_answers": mismatches == 0 and done == participants * asks,
        "wall_s": wall,
        "throughput_rps": done / wall if wall > 0 else 0.0,
        # The simulated room runs on the same cores as the app: say how much CPU each side used.
        "server_cpu_ms_per_request": 1000 * server_cpu / max(1, done),
        "client_cpu_ms_per_request": 1000 * client_cpu / max(1, done),
    }
