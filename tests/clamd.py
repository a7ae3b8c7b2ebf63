"""A private clamd (ClamAV's daemon) for the tests: real scanning, offline, in a second or three.

Its database holds one signature, the EICAR test file's (an MD5 hash signature, written here: no
download, no freshclam), so it starts without ClamAV's 200 MB of official signatures. The EICAR file itself is
built in `eicar()` and never committed as a file (virus scanners on developers' machines would quarantine
it).

* A pytest plugin (tests/conftest.py lists it in `pytest_plugins`): the session fixture `clamd_url` is
  CLAMAV_TEST_URL from the environment when set (.ci/run starts one clamd for the whole run), else a clamd of
  this process's own (one per xdist worker, on a free port). Without clamd installed the tests that use it
  are skipped, unless REQUIRE_MAIL_SERVERS=1 (CI), where that is an error.
* `private_clamd` (function scope) is a clamd of the test's own, for fault tests that kill it.
* `python -m tests.clamd serve --dir D --port P` runs one in the foreground (.ci/run).
"""

import argparse
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["clamd_url", "private_clamd", "scanning"]  # the fixtures, for `from tests.clamd import *`

SIGNATURE = "Eicar-Test-Signature"
START_TIMEOUT = 60.0


def eicar() -> bytes:
    """The EICAR anti-virus test file (68 bytes), put together so that this source file is not one."""
    parts = ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!", "$H+H*"]
    return "".join(parts).encode("ascii")


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next(
        (path for path in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(path, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(directory: Path, port: int) -> Path:
    database = directory / "db"
    database.mkdir(parents=True, exist_ok=True)
    data = eicar()
    (database / "eicar.hdb").write_text(
        f"{hashlib.md5(data, usedforsecurity=False).hexdigest()}:{len(data)}:{SIGNATURE}\n"
    )
    lines = [
        "Foreground yes",
        f"DatabaseDirectory {database}",
        f"TCPSocket {port}",
        "TCPAddr 127.0.0.1",
        f"LogFile {directory / 'clamd.log'}",
        f"PidFile {directory / 'clamd.pid'}",
        # Above ATTACHMENT_MAX_BYTES (25 MB by default): the tests send a file at the limit.
        "StreamMaxLength 100M",
        "MaxFileSize 100M",
        "MaxScanSize 200M",
        "ReadTimeout 30",
    ]
    if os.geteuid() == 0:
        lines.append(f"User {pwd.getpwuid(0).pw_name}")  # clamd would otherwise drop to "clamav"
    config = directory / "clamd.conf"
    config.write_text("\n".join(lines) + "\n")
    return config


def ping(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


@dataclass
class Clamd:
    process: subprocess.Popen
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """Die at once (SIGKILL), as a crashed daemon does."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


def start(directory: Path, port: int | None = None) -> Clamd:
    binary = clamd_binary()
    if binary is None:
        raise FileNotFoundError("clamd is not installed (Debian: apt-get install clamav-daemon)")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    config = write_config(directory, port)
    log = (directory / "clamd.out").open("wb")
    process = subprocess.Popen([binary, "--config-file", str(config)], stdout=log, stderr=subprocess.STDOUT)
    clamd = Clamd(process, directory, port)
    deadline = time.monotonic() + START_TIMEOUT
    while not ping(port):
        if process.poll() is not None or time.monotonic() > deadline:
            clamd.stop()
            output = (directory / "clamd.out").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"clamd did not start on port {port}: {output}")
        time.sleep(0.1)
    return clamd


def _required() -> bool:
    return os.environ.get("REQUIRE_MAIL_SERVERS") == "1"


@pytest.fixture(scope="session")
def clamd_url(tmp_path_factory):
    """tcp://127.0.0.1:<port> of a clamd with the EICAR signature (CLAMAV_TEST_URL, else our own)."""
    if url := os.environ.get("CLAMAV_TEST_URL"):
        yield url
        return
    if clamd_binary() is None:
        if _required():
            pytest.fail("clamd is not installed, and REQUIRE_MAIL_SERVERS=1")
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    clamd = start(tmp_path_factory.mktemp("clamd"))
    yield clamd.url
    clamd.stop()


@pytest.fixture
def private_clamd(tmp_path):
    """A clamd of this test's own: the test may kill it."""
    if clamd_binary() is None:
        if _required():
            pytest.fail("clamd is not installed, and REQUIRE_MAIL_SERVERS=1")
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    clamd = start(tmp_path / "clamd")
    yield clamd
    clamd.stop()


@pytest.fixture
def scanning(settings, clamd_url):
    """Files are scanned by the tests' clamd."""
    settings.CLAMAV_URL = clamd_url
    settings.CLAMAV_TIMEOUT = 20.0
    return clamd_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.clamd", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run a clamd with the EICAR signature until stopped")
    serve.add_argument(
        "--dir", default="", help="its folder (config, database, log); a temporary one if empty"
    )
    serve.add_argument("--port", type=int, default=0, help="its port on 127.0.0.1 (a free one if 0)")
    arguments = parser.parse_args(argv)
    directory = Path(arguments.dir or tempfile.mkdtemp(prefix="clamd-"))
    clamd = start(directory, arguments.port or None)
    print(f"clamd ready: {clamd.url} (folder {directory})", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping and clamd.process.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        clamd.stop()
    return 0 if stopping or clamd.process.returncode in (0, None, -signal.SIGTERM) else 1


if __name__ == "__main__":
    sys.exit(main())
