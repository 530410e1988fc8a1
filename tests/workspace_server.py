"""A real workspace server (uvicorn on 127.0.0.1, a free port) over a copy of the bundled
profiles, and a small HTTP client that can send any Host header or body."""

import http.client
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvicorn

from generator.resources import data_dir
from generator.web.app import Settings, create_app

EX2 = "examples/ex2-highway-monitoring/project.yaml"
TENDER = "tenders/highway-monitoring.yaml"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class Server:
    settings: Settings
    port: int

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = dict(headers or {})
        data = body if isinstance(body, bytes | None) else urlencode(body).encode()
        if isinstance(body, Mapping):
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        reply = Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
        conn.close()
        return reply

    def get(self, path: str, **kw: object) -> Reply:
        return self.request("GET", path, **kw)  # type: ignore[arg-type]

    def post(self, path: str, body: Mapping[str, str] | bytes, **kw: object) -> Reply:
        return self.request("POST", path, body, **kw)  # type: ignore[arg-type]

    def form(
        self, project: str, overlay: str, tender: str = TENDER, customer: str = "甲公司"
    ) -> dict[str, str]:
        """The edit page's form as a browser would send it unchanged (a new version's page
        is opened with the customer's name, as the new-version form redirects)."""
        query = urlencode(
            {"project": project, "overlay": overlay, "tender": tender, "customer": customer}
        )
        html = self.get(f"/edit?{query}").text
        data = {
            k: v.replace("&amp;", "&")
            for k, v in re.findall(r'name="((?:f|a):[^"]+)" value="([^"]*)"', html)
        }
        for m in re.finditer(r'<select id="[^"]+" name="(f:[^"]+)">(.*?)</select>', html, re.S):
            chosen = re.search(r'<option value="([^"]*)" selected', m[2])
            data[m[1]] = chosen[1] if chosen else ""
        for name in ("csrf", "project", "overlay", "base_hash"):
            data[name] = re.search(rf'name="{name}" value="([^"]*)"', html)[1]  # type: ignore[index]
        data["customer"] = re.search(r'name="customer" value="([^"]*)"', html)[1]  # type: ignore[index]
        data["tender"] = tender
        return data


def copy_profiles(target: Path) -> Path:
    shutil.copytree(data_dir("profiles"), target, ignore=shutil.ignore_patterns("schemas"))
    return target


@contextmanager
def running(root: Path, **options: object) -> Iterator[Server]:
    """A workspace server over `root` until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = Settings(root, "127.0.0.1", port, **options)  # type: ignore[arg-type]
    config = uvicorn.Config(create_app(settings), log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield Server(settings, port)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
