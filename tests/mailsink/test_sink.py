"""Starting and stopping the sink, in-process and as `python -m fake_services.mailsink`."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx

from fake_services.mailsink import MailSink, MailSinkClient
from tests.mailsink.helpers import build_email, send_email, unique_address

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_ports_are_known_before_start_and_released_after_stop() -> None:
    threads_before = set(threading.enumerate())
    sink = MailSink()
    assert sink.smtp_port > 0
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", sink.http_url)

    with sink:
        send_email(sink, build_email("someone@example.test", "Up"))
        assert sink.store.wait_for(timeout=0).subject == "Up"

    assert set(threading.enumerate()) <= threads_before  # no thread left behind
    again = MailSink(smtp_port=sink.smtp_port)  # the port is free again
    assert again.smtp_port == sink.smtp_port
    again.stop()


def test_runner_serves_until_interrupted() -> None:
    runner = subprocess.Popen(
        [sys.executable, "-m", "fake_services.mailsink", "--smtp-port", "0", "--http-port", "0"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert runner.stdout is not None
        smtp_line, inbox_line = runner.stdout.readline(), runner.stdout.readline()
        smtp = re.fullmatch(r"SMTP listening on (127\.0\.0\.1):(\d+)\n", smtp_line)
        inbox = re.fullmatch(r"Web inbox: (http://127\.0\.0\.1:\d+)/\n", inbox_line)
        assert smtp and inbox, (smtp_line, inbox_line)
        address = unique_address()

        with MailSinkClient(inbox[1]) as client:
            send_email(RunnerEndpoint(smtp[1], int(smtp[2])), build_email(address, "Through the runner"))
            assert client.wait_for(to=address, timeout=5).subject == "Through the runner"
        assert httpx.get(f"{inbox[1]}/healthz").json()["status"] == "ok"

        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=10) == 0
        assert "Mail sink stopped." in runner.stdout.read()
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
        if runner.stdout is not None:
            runner.stdout.close()


def test_runner_explains_a_port_in_use() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        runner = subprocess.run(
            [sys.executable, "-m", "fake_services.mailsink", "--smtp-port", str(port), "--http-port", "0"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert runner.returncode == 1
    assert f"mail sink: cannot listen on 127.0.0.1:{port} (SMTP)" in runner.stderr
    assert "Address already in use" in runner.stderr


@dataclass(frozen=True)
class RunnerEndpoint:
    smtp_host: str
    smtp_port: int
