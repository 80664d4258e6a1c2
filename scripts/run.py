"""Run the web server, the Celery workers (default queue with beat; webhook deliveries) together,
as `make run` does.

Pure standard library. Each process's output is printed line by line with its name in front.
Ctrl-C or SIGTERM stops all of them; if one of them exits, the others are stopped and this
script exits non-zero.

    python scripts/run.py [--addr 127.0.0.1:8000] [--no-worker]

Run it with the virtualenv's Python from the project directory (the Makefile does).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 15.0
COLOURS = ["\033[36m", "\033[33m", "\033[35m", "\033[32m", "\033[34m"]
RESET = "\033[0m"


def process_commands(*, addr: str, worker: bool) -> dict[str, list[str]]:
    python = sys.executable
    commands = {"web": [python, "manage.py", "runserver", addr, "--noreload"]}
    if worker:
        celery = [python, "-m", "celery", "-A", "forge", "worker", "--loglevel", "INFO"]
        # -B embeds the beat scheduler in the worker: one process, fine for a single machine.
        # Production runs beat as its own single process (docker-compose.yml).
        commands["worker"] = [
            *celery,
            "-B",
            "-Q",
            "celery",
            "--hostname",
            "worker@%h",
            "--concurrency",
            os.environ.get("CELERY_CONCURRENCY", "2"),
        ]
        # Webhook deliveries wait on partners' servers: their own queue and worker, so a slow
        # receiver never holds up reminders.
        commands["webhooks"] = [
            *celery,
            "-Q",
            "webhooks",
            "--hostname",
            "webhooks@%h",
            "--concurrency",
            os.environ.get("CELERY_WEBHOOK_CONCURRENCY", "2"),
        ]
    return commands


class Supervisor:
    def __init__(self, commands: dict[str, list[str]]) -> None:
        self.commands = commands
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.pumps: list[threading.Thread] = []
        self.stopping = threading.Event()
        self.print_lock = threading.Lock()
        self.width = max(len(name) for name in [*commands, "run"])
        self.colour = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None

    def say(self, name: str, line: str) -> None:
        label = name.ljust(self.width)
        if self.colour:
            index = list(self.commands).index(name) + 1 if name in self.commands else 0
            label = f"{COLOURS[index % len(COLOURS)]}{label}{RESET}"
        with self.print_lock:
            sys.stdout.write(f"{label} | {line}\n")
            sys.stdout.flush()

    def pump(self, name: str, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.say(name, raw.decode("utf-8", "replace").rstrip("\r\n"))
        stream.close()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, argv in self.commands.items():
            # Each child gets its own session, so a Ctrl-C in the terminal reaches only this
            # supervisor, which then stops the children in order.
            process = subprocess.Popen(  # noqa: S603 (our own fixed commands)
                argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.processes[name] = process
            self.say(name, f"started (pid {process.pid}): {' '.join(argv[1:])}")
            thread = threading.Thread(target=self.pump, args=(name, process.stdout), daemon=True)
            thread.start()
            self.pumps.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        for process in self.processes.values():
            if process.poll() is None:
                # The main process only: Celery's warm shutdown stops its own pool children.
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(name, f"did not stop in {STOP_TIMEOUT:.0f}s; killing it")
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        for thread in self.pumps:
            thread.join(timeout=2)
        codes = ", ".join(f"{name} {process.returncode}" for name, process in self.processes.items())
        self.say("run", f"all stopped (exit codes: {codes})")

    def run(self) -> int:
        requested: list[int] = []

        def on_signal(signum, frame):  # noqa: ARG001
            requested.append(signum)
            self.stopping.set()

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGHUP, on_signal)

        self.say("run", "starting; Ctrl-C stops everything")
        self.start()
        exited: tuple[str, int] | None = None
        while not self.stopping.is_set():
            for name, process in self.processes.items():
                code = process.poll()
                if code is not None:
                    exited = (name, code)
                    break
            if exited:
                break
            self.stopping.wait(0.2)

        if exited:
            name, code = exited
            self.say("run", f"{name} exited with code {code}; stopping the others")
        else:
            self.say("run", "stopping everything (signal received)")
        self.stop()
        if exited:
            code = exited[1]
            # Killed by a signal (negative code): the shell's convention, 128 + signal number.
            return code if code > 0 else 128 - code if code < 0 else 1
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default=os.environ.get("FORGE_ADDR", "127.0.0.1:8000"))
    parser.add_argument("--no-worker", action="store_true", help="run the web server alone")
    args = parser.parse_args(argv)
    supervisor = Supervisor(process_commands(addr=args.addr, worker=not args.no_worker))
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
