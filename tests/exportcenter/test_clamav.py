"""exportcenter.clamav against a real clamd (tests/clamd.py: the EICAR signature only)."""

import io
import socket

import pytest

from exportcenter import clamav
from tests.clamd import *  # noqa: F403 - the fixtures
from tests.clamd import eicar, free_port


def test_a_clean_file(clamd_url):
    assert clamav.scan(b"Hello, clean world\n" * 1000, url=clamd_url) == clamav.ScanResult(infected=False)
    assert clamav.ping(url=clamd_url)


def test_eicar_is_found(clamd_url):
    result = clamav.scan(io.BytesIO(eicar()), url=clamd_url)
    assert result.infected and result.signature.startswith("Eicar-Test-Signature")


def test_a_large_stream_in_chunks(clamd_url):
    data = b"A" * (3 * 1024 * 1024 + 17)
    assert clamav.scan(io.BytesIO(data), url=clamd_url).clean


def test_a_killed_clamd_is_unavailable(private_clamd):
    url = private_clamd.url
    assert clamav.scan(b"x", url=url).clean
    private_clamd.kill()
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan(b"x", url=url, timeout=3)
    assert not clamav.ping(url=url, timeout=1)


def test_nothing_listening():
    with pytest.raises(clamav.ScannerUnavailable, match="cannot connect"):
        clamav.scan(b"x", url=f"tcp://127.0.0.1:{free_port()}", timeout=2)


def test_a_silent_server_times_out():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with pytest.raises(clamav.ScannerUnavailable):
            clamav.scan(b"x", url=f"tcp://127.0.0.1:{server.getsockname()[1]}", timeout=0.5)


@pytest.mark.parametrize(
    "url", ["", "http://127.0.0.1:3310", "tcp://nohost", "unix:///nonexistent/clamd.ctl"]
)
def test_bad_urls(url, settings):
    settings.CLAMAV_URL = ""
    with pytest.raises(clamav.ScannerUnavailable):
        clamav.scan(b"x", url=url or None, timeout=1)


def test_an_error_answer_is_unavailable():
    with pytest.raises(clamav.ScannerUnavailable, match="size limit"):
        clamav._result("INSTREAM size limit exceeded. ERROR")
