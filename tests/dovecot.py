"""A private dovecot (Debian's `dovecot-imapd`) for the mail tests: a real IMAP server, not a mock.

* `start(folder, port)` writes a self-signed CA and a server certificate for IP 127.0.0.1 (only: connecting
  to "localhost" is the wrong-name case) into `folder`, a config with a static passdb (any user name logs in
  with PASSWORD, so one user per test isolates the tests) and starts dovecot: IMAP over TLS on `port`, plain
  IMAP with STARTTLS on `port + 1`. `tls=False` starts one without TLS at all (STARTTLS not offered).
* The pytest fixtures: `imap_server` (session; the server .ci/run started when IMAP_TEST_HOST, IMAP_TEST_PORT
  and IMAP_TEST_CA are set, else one of this xdist worker's own on free ports), `imap_user` (a unique user),
  `deliver(user, raw, folder="INBOX")` (IMAP APPEND). Skipped when dovecot is not installed, unless
  REQUIRE_MAIL_SERVERS=1.
* `python -m tests.dovecot serve --dir D --port P` runs one in the foreground for .ci/run (stops on SIGTERM).
"""

import argparse
import contextlib
import datetime
import imaplib
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PASSWORD = "secret"  # the static passdb's password for every test user
DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)

CONFIG = """\
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = dovetest-{port}
protocols = imap
listen = 127.0.0.1
ssl = {ssl}
{ssl_files}
log_path = {folder}/dovecot.log
auth_mechanisms = plain
disable_plaintext_auth = no
auth_failure_delay = 0
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={folder}/mail/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = 0
mail_plugins =
service imap-login {{
  inet_listener imap {{
    port = {plain_port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def free_port(pair: bool = False) -> int:
    """A free loopback port (with `pair`: one whose successor looks free too)."""
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if not pair or port >= 65535:
            return port
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair")


def write_certificates(folder: Path, *, expired: bool = False) -> tuple[Path, Path, Path]:
    """A CA and a server certificate signed by it for IP 127.0.0.1 (`expired`: one that expired yesterday).
    Returns (ca, cert, key) paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Exportcenter test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    if expired:
        valid = (now - datetime.timedelta(days=30), now - datetime.timedelta(days=1))
    else:
        valid = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=3650))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid[0])
        .not_valid_after(valid[1])
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return ca_path, cert_path, key_path


@dataclass
class Server:
    host: str
    port: int  # IMAP over TLS (or plain IMAP without STARTTLS when tls=False)
    starttls_port: int
    ca_file: str
    folder: Path | None = None
    config: Path | None = None
    own: bool = True
    tls: bool = True
    users: list = field(default_factory=list)

    def client(self, user: str) -> imaplib.IMAP4:
        if self.tls:
            context = ssl.create_default_context(cafile=self.ca_file)
            client = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=10)
        else:
            client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(user, PASSWORD)
        return client

    def deliver(self, user: str, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        """Put a message in `user`'s folder as a mail server's delivery would (IMAP APPEND)."""
        client = self.client(user)
        try:
            if folder != "INBOX":
                client.create(f'"{folder}"')
            status, data = client.append(f'"{folder}"', flags or None, None, raw)
            assert status == "OK", data
        finally:
            client.logout()

    def running(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def start(self) -> None:
        subprocess.run(
            [DOVECOT, "-c", str(self.config)],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while not self.running():
            if time.monotonic() > deadline:
                log = (
                    (self.folder / "dovecot.log").read_text()
                    if (self.folder / "dovecot.log").exists()
                    else ""
                )
                raise RuntimeError(f"dovecot did not start on port {self.port}:\n{log[-2000:]}")
            time.sleep(0.05)

    def master_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int((self.folder / "run" / "master.pid").read_text().strip())
        return None

    def kill(self) -> None:
        """SIGKILL the whole server (master and its login and imap processes): a crash, not a shutdown."""
        pids = [pid for pid in _processes() if _dovecot_of(pid, self.folder)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            self.running() or any(Path(f"/proc/{pid}").exists() for pid in pids)
        ):
            time.sleep(0.05)
        (self.folder / "run" / "master.pid").unlink(missing_ok=True)

    def stop(self) -> None:
        if not self.own or self.config is None:
            return
        subprocess.run(
            [DOVECOT, "-c", str(self.config), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.running():
            self.kill()


def _processes():
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            yield int(entry.name)


def _dovecot_of(pid: int, folder: Path) -> bool:
    """Whether `pid` is a process of the dovecot whose base_dir is in `folder` (from its command line or its
    parent chain: the master was started with `-c <folder>/dovecot.conf`)."""
    for _depth in range(4):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return False
        if str(folder).encode() in cmdline:
            return True
        pid = int(stat[1])
        if pid <= 1:
            return False
    return False


def start(folder: Path, port: int | None = None, *, tls: bool = True, expired: bool = False) -> Server:
    """Start a private dovecot with its data in `folder` (created): TLS on `port`, STARTTLS on `port + 1`."""
    if DOVECOT is None:
        raise RuntimeError("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # the imap processes run as the dovecot user and must reach mail/
    port = port or free_port(pair=True)
    for name in ("run", "state", "mail"):
        (folder / name).mkdir(exist_ok=True)
    (folder / "mail").chmod(0o1777)
    if tls:
        ca, cert, key = write_certificates(folder, expired=expired)
        ssl_files = f"ssl_cert = <{cert}\nssl_key = <{key}"
        plain_port, tls_port = port + 1, port
    else:
        ca, ssl_files = Path(""), ""
        plain_port, tls_port = port, 0
    config = folder / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            folder=folder,
            port=port,
            ssl="required" if tls else "no",
            ssl_files=ssl_files,
            password=PASSWORD,
            plain_port=plain_port,
            tls_port=tls_port,
        )
    )
    server = Server(
        host="127.0.0.1",
        port=port,
        starttls_port=port + 1 if tls else 0,
        ca_file=str(ca) if tls else "",
        folder=folder,
        config=config,
        tls=tls,
    )
    server.start()
    return server


def available() -> bool:
    return bool(os.environ.get("IMAP_TEST_HOST")) or DOVECOT is not None


def skip_or_fail(reason: str):
    if os.environ.get("REQUIRE_MAIL_SERVERS") == "1":
        pytest.fail(f"{reason} (REQUIRE_MAIL_SERVERS=1)")
    pytest.skip(reason)


def private_folder() -> Path:
    # Short: dovecot's unix sockets live under it (108 characters at most).
    return Path(tempfile.mkdtemp(prefix="dove-", dir="/tmp"))


def _own_server(needs: str, **options):
    """A dovecot of its own in a private folder, stopped and removed afterwards (`needs`: why it is skipped
    or fails without dovecot)."""
    if DOVECOT is None:
        skip_or_fail(needs)
    folder = private_folder()
    server = start(folder, **options)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def imap_server():
    """The IMAP server of this test session (shared from the environment, or this worker's own)."""
    host = os.environ.get("IMAP_TEST_HOST")
    if host:
        port = int(os.environ["IMAP_TEST_PORT"])
        yield Server(
            host=host,
            port=port,
            starttls_port=int(os.environ.get("IMAP_TEST_STARTTLS_PORT") or port + 1),
            ca_file=os.environ["IMAP_TEST_CA"],
            own=False,
        )
        return
    yield from _own_server(
        "needs dovecot (Debian: dovecot-imapd) or IMAP_TEST_HOST/IMAP_TEST_PORT/IMAP_TEST_CA"
    )


@pytest.fixture
def private_imap_server():
    """A dovecot of this test's own: to kill and restart, or for a failed login (dovecot then delays every
    login from 127.0.0.1 for up to 15 seconds, which would slow the shared server's other tests)."""
    yield from _own_server("needs dovecot (Debian: dovecot-imapd) for a private server")


@pytest.fixture(scope="session")
def plain_imap_server():
    """A dovecot without TLS at all: STARTTLS is not offered."""
    yield from _own_server("needs dovecot (Debian: dovecot-imapd) for a server without TLS", tls=False)


@pytest.fixture
def expired_imap_server():
    """A dovecot whose certificate (from the trusted test CA) expired yesterday."""
    yield from _own_server("needs dovecot (Debian: dovecot-imapd) for a private server", expired=True)


@pytest.fixture
def imap_user():
    """A user name of this test's own (the static passdb lets any name in: an empty mailbox per test)."""
    return f"t{uuid.uuid4().hex[:16]}"


@pytest.fixture
def deliver(imap_server):
    return imap_server.deliver


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.dovecot serve")
    parser.add_argument("--dir", required=True, type=Path)
    parser.add_argument("--port", required=True, type=int, help="TLS; STARTTLS on port + 1")
    options = parser.parse_args(argv)
    server = start(options.dir.resolve(), options.port)
    print(
        f"dovecot: IMAP over TLS on 127.0.0.1:{server.port}, STARTTLS on {server.starttls_port}; "
        f"IMAP_TEST_HOST=127.0.0.1 IMAP_TEST_PORT={server.port} IMAP_TEST_CA={server.ca_file}",
        flush=True,
    )
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    try:
        while not stopping:
            time.sleep(0.5)
    finally:
        server.stop()


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "serve":
        sys.exit("usage: python -m tests.dovecot serve --dir D --port P")
    serve(sys.argv[2:])
