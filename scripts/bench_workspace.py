"""`make bench` rows for the sales workspace: summary and preview latency after an edit (p95
over 20 edits, warm), and a bounded load test of ten simulated users editing different
customers against `aftersales serve` on 127.0.0.1 (never another host).

Run alone: `.venv/bin/python scripts/bench_workspace.py [seconds]` (default 60 s of load)."""

import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
EX2 = "examples/ex2-highway-monitoring/project.yaml"
TENDER = "tenders/highway-monitoring.yaml"
ARRIVE = "f:response.tiers[0].arrive"
HOST = "127.0.0.1"  # the load test never leaves this machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


class Client:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def call(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        body = urlencode(form).encode() if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def form(self, overlay: str, customer: str) -> dict[str, str]:
        query = urlencode(
            {"project": EX2, "overlay": overlay, "tender": TENDER, "customer": customer}
        )
        status, body = self.call("GET", f"/edit?{query}")
        assert status == 200, status
        html = body.decode()
        data = dict(re.findall(r'name="(f:[^"]+)" value="([^"]*)"', html))
        for m in re.finditer(r'<select id="[^"]+" name="(f:[^"]+)">(.*?)</select>', html, re.S):
            chosen = re.search(r'<option value="([^"]*)" selected', m[2])
            data[m[1]] = chosen[1] if chosen else ""
        for name in ("csrf", "project", "overlay", "base_hash"):
            found = re.search(rf'name="{name}" value="([^"]*)"', html)
            assert found is not None
            data[name] = found[1]
        data["customer"], data["tender"] = customer, TENDER
        return data


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def _latency(client: Client, form: dict[str, str], path: str, edits: int = 20) -> list[float]:
    client.call("POST", path, form)  # warm
    times = []
    for n in range(edits):
        form[ARRIVE] = f"{4 + n % 4}小时"
        start = time.perf_counter()
        status, _ = client.call("POST", path, form)
        times.append(time.perf_counter() - start)
        assert status == 200, (path, status)
    return times


def _user(port: int, n: int, until: float, out: dict[str, object]) -> None:
    """One sales person: edit, see the summary and the preview, save; again until `until`."""
    client = Client(port)
    overlay = f"examples/ex2-highway-monitoring/customer-user{n}.yaml"
    form = client.form(overlay, f"用户{n}")
    errors, previews, saves, last = 0, [], 0, ""
    i = 0
    while time.monotonic() < until:
        i += 1
        form[ARRIVE] = f"{4 + (i + n) % 4}小时"  # never 8小时, the standard (left out of the file)
        status, _ = client.call("POST", "/api/evaluate", form)
        errors += status != 200
        start = time.perf_counter()
        status, _ = client.call("POST", "/api/preview", form)
        previews.append(time.perf_counter() - start)
        errors += status != 200
        status, body = client.call("POST", "/save", form)
        if status == 200:
            form["base_hash"] = json.loads(body)["hash"]
            saves += 1
            last = form[ARRIVE]
        else:
            errors += 1
    out[overlay] = (errors, previews, saves, last)


def rows(load_seconds: float = 60.0) -> list[tuple[str, str, str]]:
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="aftersales-bench-") as tmp:
        root = Path(tmp) / "profiles"
        shutil.copytree(ROOT / "profiles", root, ignore=shutil.ignore_patterns("schemas"))
        server = subprocess.Popen(
            [
                str(BIN / "aftersales"),
                "-q",
                "serve",
                str(root),
                "--host",
                HOST,
                "--port",
                str(port),
            ],
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    Client(port).call("GET", "/")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            client = Client(port)
            form = client.form("examples/ex2-highway-monitoring/customer-bench.yaml", "测速")
            summary = _latency(client, form, "/api/evaluate")
            preview = _latency(client, form, "/api/preview")
            until = time.monotonic() + load_seconds
            results: dict[str, object] = {}
            users = [
                threading.Thread(target=_user, args=(port, n, until, results)) for n in range(10)
            ]
            for u in users:
                u.start()
            for u in users:
                u.join(load_seconds + 120)
            errors = sum(r[0] for r in results.values())  # type: ignore[index]
            previews = [t for r in results.values() for t in r[1]]  # type: ignore[index]
            saves = sum(r[2] for r in results.values())  # type: ignore[index]
            lost = 0
            for overlay, r in results.items():
                text = (root / overlay).read_text(encoding="utf-8")
                lost += f"arrive: {r[3]}" not in text  # type: ignore[index]
        finally:
            server.terminate()
            server.wait(10)
    return [
        (
            "workspace summary after an edit, warm (p95 of 20)",
            f"{p95(summary) * 1000:.0f} ms",
            "≤ 100 ms",
        ),
        ("workspace preview after an edit, warm (p95 of 20)", f"{p95(preview):.2f} s", "≤ 1 s"),
        (
            f"workspace load: 10 users × {load_seconds:.0f} s, preview p95",
            f"{p95(previews):.2f} s",
            "≤ 3 s",
        ),
        ("  requests failed / saves / saves lost", f"{errors} / {saves} / {lost}", "0 / - / 0"),
    ]


if __name__ == "__main__":
    from generator.terminal import format_table

    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else float(os.environ.get("LOAD_SECONDS", 60))
    print(format_table(["measure", "value", "target"], rows(seconds)))
