"""Run Staffroom as in production on this machine: gunicorn app servers, nginx in front,
wrk to load them. Used by the HTTP benchmark (`scripts/bench_http.py`) and by the scale-out
test (`tests/scaleout/`), so both measure and prove the same stack.

Everything listens on 127.0.0.1 on free ports, writes its logs and temporary files under a
folder the caller gives, and is stopped by `Stack.close()` (or the context manager).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
SESSION_COOKIE = "staffroom_session"  # config/settings.py SESSION_COOKIE_NAME
DEMO_PASSWORD = "riverside-demo"  # noqa: S105  # the demo hospital's published password


class StackError(RuntimeError):
    """A server didn't start, or a tool the stack needs is missing."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def need(command: str, package: str) -> str:
    path = shutil.which(command) or (
        f"/usr/sbin/{command}" if Path(f"/usr/sbin/{command}").exists() else None
    )
    if path is None:
        raise StackError(f"{command} is not installed: apt-get install {package}")
    return path


def production_env(
    *, database_url: str, data_dir: Path, redis_url: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a production app server, on plain HTTP on this machine: DEBUG off
    (so no demo mode, the cached template loader, no SQL log), cookies not marked Secure and
    no HTTPS redirect (there is no TLS here), hosts limited to loopback."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=database_url,
        STAFFROOM_DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def collect_static(env: dict[str, str]) -> None:
    """`collectstatic`, as a deployment runs it: DEBUG off needs the hashed-name manifest."""
    subprocess.run(  # noqa: S603  # fixed command list
        [str(PYTHON), "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    port: int
    log: Path
    # The command line it was started with (for the benchmark report).
    command: list[str] = field(default_factory=list)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def pids(self) -> list[int]:
        """This process and its children (gunicorn's workers, nginx's worker)."""
        out = [self.popen.pid]
        try:
            children = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
            out += [int(p) for p in children.read_text().split()]
        except OSError:
            pass
        return out

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each child process (gunicorn's workers), in MB."""
        sizes = []
        for pid in self.pids()[1:]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)


def wait_for(url: str, *, process: Process, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            tail = process.log.read_text(errors="replace")[-3000:]
            raise StackError(f"{process.name} stopped while starting:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # our own loopback URL
                return
        except OSError:
            time.sleep(0.2)
    raise StackError(f"{process.name} did not answer {url} within {timeout:.0f} s")


@dataclass
class Stack:
    """The processes started so far; closing it stops them all, newest first."""

    folder: Path
    processes: list[Process] = field(default_factory=list)

    def __enter__(self) -> Stack:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        while self.processes:
            self.processes.pop().stop()

    def gunicorn(
        self,
        *,
        env: dict[str, str],
        port: int | None = None,
        workers: int = 1,
        cpus: str | None = None,
        name: str = "app",
    ) -> Process:
        """gunicorn with sync workers (one thread each), optionally pinned to `cpus` (taskset
        list, e.g. "0"). Static files are not Django's job here: pages are measured alone."""
        port = port or free_port()
        log = self.folder / f"{name}-{port}.log"
        command = [
            str(PYTHON),
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--threads",
            "1",
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "--worker-tmp-dir",
            str(self.folder),
        ]
        if cpus is not None:
            command = [need("taskset", "util-linux"), "-c", cpus, *command]
        with log.open("wb") as out:
            popen = subprocess.Popen(  # noqa: S603  # fixed command list
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        process = Process(name, popen, port, log, command)
        self.processes.append(process)
        wait_for(f"http://127.0.0.1:{port}/healthz", process=process)
        return process

    def nginx(
        self,
        *,
        upstreams: list[int] | None = None,
        static_root: Path | None = None,
        cpus: str | None = None,
        name: str = "nginx",
        show_upstream: bool = False,
    ) -> Process:
        """nginx on a free port: a reverse proxy to `upstreams` (round robin, no stickiness)
        and, under /static-bench/, the files of `static_root`. With `show_upstream` every
        proxied response says which app server answered (`X-Upstream: 127.0.0.1:<port>`)."""
        port = free_port()
        prefix = self.folder / f"{name}-{port}"
        (prefix / "tmp").mkdir(parents=True, exist_ok=True)
        upstream = ""
        proxy = "return 404;"
        if upstreams:
            servers = "\n".join(f"    server 127.0.0.1:{p};" for p in upstreams)
            upstream = f"upstream staffroom {{\n{servers}\n    keepalive 32;\n}}"
            proxy = (
                "proxy_pass http://staffroom; proxy_http_version 1.1;"
                ' proxy_set_header Connection ""; proxy_set_header Host $http_host;'
                " proxy_set_header X-Forwarded-For $remote_addr;"
                " proxy_buffers 16 64k;"
            )
            if show_upstream:
                proxy += " add_header X-Upstream $upstream_addr always;"
        static = (
            f"location /static-bench/ {{ alias {static_root}/; default_type text/html; }}"
            if static_root
            else ""
        )
        user = "user root;" if os.geteuid() == 0 else ""
        tmp = prefix / "tmp"
        conf = prefix / "nginx.conf"
        conf.write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    client_max_body_size 20m;
    keepalive_requests 100000;
    {upstream}
    server {{
        listen 127.0.0.1:{port};
        location = /nginx-alive {{ return 200 "ok"; }}
        {static}
        location / {{ {proxy} }}
    }}
}}
"""
        )
        command = [need("nginx", "nginx"), "-p", str(prefix), "-c", str(conf)]
        if cpus is not None:
            command = [need("taskset", "util-linux"), "-c", cpus, *command]
        log = prefix / "stdout.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        process = Process(name, popen, port, log, command)
        self.processes.append(process)
        wait_for(f"http://127.0.0.1:{port}/nginx-alive", process=process)
        return process


# --- Clients ------------------------------------------------------------------------------


class Browser:
    """A person's cookie jar against one or more servers of the same site: the session
    cookie set by one is sent to the others (they are all 127.0.0.1)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.csrf_token: str | None = None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def get(self, url: str) -> tuple[int, str, dict[str, str]]:
        return self._open(urllib.request.Request(url))  # noqa: S310

    def post(
        self, url: str, data: dict[str, str], *, headers: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        token = self.csrf_token or ""
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
        request = urllib.request.Request(  # noqa: S310  # loopback URLs only
            url,
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode(),
            headers={"Referer": url, "Origin": origin, **(headers or {})},
            method="POST",
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str, dict[str, str]]:
        try:
            with self.opener.open(request, timeout=30) as response:
                body = response.read().decode()
                # The latest form's token, as a browser would post it back.
                match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
                if match:
                    self.csrf_token = match.group(1)
                return response.status, body, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)

    def sign_in(self, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
        """Sign in through the real form (CSRF cookie and token, then the POST)."""
        status, _body, _headers = self.get(f"{base_url}/account/sign-in/")
        if status != 200:
            raise StackError(f"the sign-in page answered {status}")
        status, body, _headers = self.post(
            f"{base_url}/account/sign-in/", {"username": username, "password": password}
        )
        if status != 302 or not self.cookie(SESSION_COOKIE):
            raise StackError(
                f"signing in as {username} failed ({status}): "
                + " ".join(re.findall(r"class=\"[^\"]*error[^\"]*\"[^>]*>([^<]+)", body))[:500]
            )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# --- wrk -----------------------------------------------------------------------------------

# wrk reports its own percentiles after the run; this prints them as one JSON line.
_WRK_LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d,'
    .. ' "p50_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, "bytes": %d}\\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max, summary.bytes))
end
"""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: int
    non_2xx: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    # Bytes read (headers and bodies): a run answered by short redirects or error pages
    # reads far fewer per request than the page it was meant to load.
    bytes: int = 0
    command: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    cpus: str | None = None,
    folder: Path,
) -> WrkResult:
    """Load `url` with wrk (one thread, `connections` keep-alive connections) for `seconds`."""
    script = folder / "wrk-report.lua"
    if not script.exists() or script.read_text() != _WRK_LUA:
        folder.mkdir(parents=True, exist_ok=True)
        script.write_text(_WRK_LUA)
    command = [
        need("wrk", "wrk"),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    if cpus is not None:
        command = [need("taskset", "util-linux"), "-c", cpus, *command]
    run = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)  # noqa: S603
    line = next((x for x in run.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if run.returncode != 0 or line is None:
        raise StackError(
            f"wrk failed ({run.returncode}): {run.stdout[-1000:]} {run.stderr[-1000:]}"
        )
    data = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        non_2xx=data["non_2xx"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        mean_ms=data["mean_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        bytes=data.get("bytes", 0),
        command=command,
    )


if __name__ == "__main__":  # pragma: no cover - a quick manual check
    sys.stdout.write("stack helpers: import this module\n")
