"""A small client for clamd, ClamAV's scanning daemon (issue 20: attachments are scanned when CLAMAV_URL is
set).

It speaks clamd's own protocol (`zINSTREAM`: the file in length-prefixed chunks, then a zero length; clamd
answers "stream: OK" or "stream: <signature> FOUND") over TCP (tcp://host:port) or a Unix socket
(unix:///run/clamav/clamd.ctl). No library: the clamd clients on PyPI (clamd, pyclamd) have been unmaintained
for years, and the protocol is a few lines (README, "Attachments").

`scan` answers clean or infected (with the signature), and raises `ScannerUnavailable` for everything else
(refused, timed out, an error from clamd such as its StreamMaxLength), so that callers never mistake a
scanner that is down for a clean file.
"""

import logging
import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """clamd could not be asked, or did not answer clean or infected."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""

    @property
    def clean(self) -> bool:
        return not self.infected


def enabled() -> bool:
    return bool(settings.CLAMAV_URL)


def _connect(url: str, timeout: float) -> socket.socket:
    parts = urlsplit(url)
    try:
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(parts.path)
            return sock
        if parts.scheme == "tcp" and parts.hostname and parts.port:
            return socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    except (OSError, ValueError) as error:
        raise ScannerUnavailable(f"cannot connect to clamd: {error}") from error
    raise ScannerUnavailable("CLAMAV_URL must be tcp://host:port or unix:///path")


def _command(sock: socket.socket, command: bytes) -> None:
    sock.sendall(b"z" + command + b"\0")


def _reply(sock: socket.socket) -> str:
    """Read up to the NUL that ends a z-command's answer."""
    data = b""
    while not data.endswith(b"\0"):
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REPLY_BYTES:
            break
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping(*, url: str | None = None, timeout: float | None = None) -> bool:
    """Whether clamd answers (the deploy check and health page may ask)."""
    url = url or settings.CLAMAV_URL
    try:
        with _connect(url, timeout or settings.CLAMAV_TIMEOUT) as sock:
            _command(sock, b"PING")
            return _reply(sock) == "PONG"
    except (OSError, ScannerUnavailable):
        return False


def scan(stream: BinaryIO | bytes, *, url: str | None = None, timeout: float | None = None) -> ScanResult:
    """Scan a file (a binary file object, read from where it stands to its end, or bytes)."""
    url = url or settings.CLAMAV_URL
    if not url:
        raise ScannerUnavailable("CLAMAV_URL is not set")
    timeout = timeout if timeout is not None else settings.CLAMAV_TIMEOUT
    try:
        with _connect(url, timeout) as sock:
            _command(sock, b"INSTREAM")
            if isinstance(stream, bytes | bytearray | memoryview):
                view = memoryview(stream)
                for start in range(0, len(view), CHUNK_BYTES):
                    chunk = view[start : start + CHUNK_BYTES]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            else:
                while chunk := stream.read(CHUNK_BYTES):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            answer = _reply(sock)
    except ScannerUnavailable:
        raise
    except OSError as error:
        # A stream over clamd's StreamMaxLength is cut off: clamd closes the connection (a broken pipe here).
        logger.warning("clamd did not answer: %s", error)
        raise ScannerUnavailable(f"clamd did not answer: {error}") from error
    return _result(answer)


def _result(answer: str) -> ScanResult:
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    _, _, verdict = answer.rpartition(": ")
    if answer.endswith(" FOUND"):
        return ScanResult(infected=True, signature=verdict.removesuffix(" FOUND").strip()[:200])
    if verdict == "OK":
        return ScanResult(infected=False)
    logger.warning("clamd answered %r", answer[:200])
    raise ScannerUnavailable(f"clamd answered: {answer[:200] or 'nothing'}")
