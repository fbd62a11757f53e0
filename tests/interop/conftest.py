"""Third-party servers for the interoperability tests, each a child process on 127.0.0.1.

- `interop/node_opcua_server.js` (node-opcua) and `interop/node_modbus_server.js` (modbus-serial)
  run on Node.js; the npm packages are installed into `interop/node_modules` from the pinned
  lock file the first time (npm ci) and reused after.
- `interop/libmodbus_server.c` is compiled against the system's libmodbus into a temporary
  directory once per session.

Every server listens on a free port, says which on stdout, and exits when its stdin closes;
the fixtures close it, then terminate or kill what is left.
"""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from app.config import parse_config_text
from app.runtime.engine import Engine
from tests.helpers import Recorder as BaseRecorder
from tests.interop.certs import make_certificate

INTEROP = Path(__file__).resolve().parents[2] / "interop"
NPM_PACKAGES = ("node-opcua", "modbus-serial")
OPCUA_SERVER_URI = "urn:forewarn:interop:node-opcua-server"
OPCUA_CLIENT_URI = "urn:forewarn:interop:client"
OPCUA_USER = ("operator", "s3cret")


class ServerProcess:
    """A server program in a child process; lines it prints are collected by a reader thread."""

    def __init__(self, argv: list[str], cwd: Path, log: Path):
        self.log = log
        self._err = open(log, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._err, text=True
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, name="interop-server-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def wait_line(self, prefix: str, timeout: float = 30.0) -> str:
        """The next stdout line starting with `prefix`; fails with the server's stderr if it
        exits or says nothing in time."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                line = ""
                if time.monotonic() < deadline:
                    continue
                self.close()
                raise AssertionError(f"no {prefix!r} line within {timeout} s: {self.stderr()}") from None
            if line is None:
                raise AssertionError(f"server exited ({self.proc.wait()}): {self.stderr()}")
            if line.startswith(prefix):
                return line

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stderr(self) -> str:
        self._err.flush()
        return self.log.read_text(errors="replace")[-3000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # the servers stop at end of input
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(3)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(3)
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        self._reader.join(5)
        self.proc.stdout.close()
        self._err.close()


# ---------------------------------------------------------------- build and install


@pytest.fixture(scope="session")
def node_interop() -> Path:
    """`interop/` with its pinned npm packages installed (npm ci on first use)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("Node.js and npm are not installed (.ci/run installs them)")
    if not all((INTEROP / "node_modules" / p / "package.json").is_file() for p in NPM_PACKAGES):
        res = subprocess.run(
            [npm, "ci", "--omit=optional", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=INTEROP,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if res.returncode != 0:
            pytest.fail(f"npm ci in {INTEROP} failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return INTEROP


@pytest.fixture(scope="session")
def libmodbus_server_bin(tmp_path_factory) -> Path:
    """interop/libmodbus_server.c compiled against the system's libmodbus."""
    cc, pkg = shutil.which("cc") or shutil.which("gcc"), shutil.which("pkg-config")
    if cc is None or pkg is None:
        pytest.skip("no C compiler or pkg-config (.ci/run installs build-essential and pkg-config)")
    flags = subprocess.run([pkg, "--cflags", "--libs", "libmodbus"], capture_output=True, text=True)
    if flags.returncode != 0:
        pytest.skip("libmodbus development files not found by pkg-config (Debian: libmodbus-dev)")
    out = tmp_path_factory.mktemp("libmodbus") / "libmodbus_server"
    res = subprocess.run(
        [cc, "-O1", "-Wall", str(INTEROP / "libmodbus_server.c"), *flags.stdout.split(), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, f"compiling libmodbus_server.c failed:\n{res.stderr}"
    return out


def libmodbus_version() -> str:
    res = subprocess.run(["pkg-config", "--modversion", "libmodbus"], capture_output=True, text=True)
    return res.stdout.strip()


# ---------------------------------------------------------------- servers


@pytest.fixture(scope="module")
def libmodbus_server(libmodbus_server_bin, tmp_path_factory):
    """The libmodbus server (one per test module); `.port` is where it listens."""
    log = tmp_path_factory.mktemp("libmodbus-run") / "stderr.log"
    srv = ServerProcess([str(libmodbus_server_bin), "0"], libmodbus_server_bin.parent, log)
    try:
        srv.port = int(srv.wait_line("PORT", 10).split()[1])
        yield srv
    finally:
        srv.close()


@pytest.fixture
def node_modbus_server(node_interop, tmp_path):
    """Start modbus-serial's ServerTCP: `start(unit=None)` -> server with `.port`."""
    started: list[ServerProcess] = []

    def start(unit: int | None = None) -> ServerProcess:
        argv = [shutil.which("node"), "node_modbus_server.js"]
        if unit is not None:
            argv += ["--unit", str(unit)]
        srv = ServerProcess(argv, node_interop, tmp_path / f"node-modbus-{len(started)}.log")
        started.append(srv)
        srv.port = int(srv.wait_line("PORT", 20).split()[1])
        return srv

    try:
        yield start
    finally:
        for srv in started:
            srv.close()


@pytest.fixture(scope="session")
def opcua_certs(tmp_path_factory) -> dict[str, Path]:
    """Server and client application certificates, and a stranger's for negative tests."""
    d = tmp_path_factory.mktemp("opcua-certs")
    server_cert, server_key = make_certificate(d, "server", OPCUA_SERVER_URI)
    client_cert, client_key = make_certificate(d, "client", OPCUA_CLIENT_URI)
    other_cert, _ = make_certificate(d, "other", "urn:forewarn:interop:other")
    return {
        "server_cert": server_cert,
        "server_key": server_key,
        "client_cert": client_cert,
        "client_key": client_key,
        "other_cert": other_cert,
        "dir": d,
    }


@pytest.fixture(scope="module")
def opcua_server(node_interop, opcua_certs, tmp_path_factory):
    """node-opcua server with security None and Basic256Sha256 Sign / SignAndEncrypt."""
    run = tmp_path_factory.mktemp("node-opcua-run")
    argv = [
        shutil.which("node"),
        "node_opcua_server.js",
        "--port",
        "0",
        "--cert",
        str(opcua_certs["server_cert"]),
        "--key",
        str(opcua_certs["server_key"]),
        "--pki",
        str(run / "pki"),
        "--user",
        ":".join(OPCUA_USER),
    ]
    srv = ServerProcess(argv, node_interop, run / "stderr.log")
    try:
        info = json.loads(srv.wait_line("{", 60))
        srv.port, srv.endpoint, srv.namespace = info["port"], info["endpoint"], info["namespace"]
        yield srv
    finally:
        srv.close()


# ---------------------------------------------------------------- engine helpers


class Recorder(BaseRecorder):
    """Collects what the engine tells its listeners, and answers about communication alarms."""

    def comm_alarm(self, device: str, active: bool) -> bool:
        return any(a.key == f"{device}:COMM" and a.active == active for a in self.alarms)

    def values(self, index: int) -> list[float]:
        out = []
        for b in list(self.batches):
            out.extend(b.value[b.tag == index].tolist())
        return out


@contextlib.contextmanager
def running(config_text: str, **engine_kw):
    """An Engine on the configuration, started; yields (engine, recorder); stops it after."""
    eng = Engine(parse_config_text(config_text), **engine_kw)
    rec = Recorder()
    eng.add_listener(rec)
    eng.start()
    try:
        yield eng, rec
    finally:
        eng.stop()


@pytest.fixture
def audit_log(audit):
    """An audit trail in a fresh SQLite file: the engine refuses device writes without one."""
    return audit


def write(engine: Engine, name: str, value: float, timeout: float = 15.0):
    """Write as an operator and wait for the WriteResult."""
    from app.accounts.users import Role, User

    return engine.write(name, value, User("interop", Role.OPERATOR, 0)).result(timeout)


def latest(engine: Engine, name: str) -> tuple[float, int]:
    i = engine.config.tag_index()[name]
    snap = engine.latest()
    return float(snap.value[i]), int(snap.quality[i])
