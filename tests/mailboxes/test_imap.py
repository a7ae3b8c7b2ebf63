"""The connection test says in words what is wrong, against a real dovecot (tests/dovecot.py), never with the
password in a message or a log line."""

import logging
import socket
import threading

import pytest

from mailboxes import imap
from mailboxes.models import Mailbox
from tests.dovecot import PASSWORD, free_port

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def quiet_server():
    """A port that accepts connections and never says a word (a firewall that swallows, a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_good_mailbox_connects_logs_in_and_finds_its_folder(imap_mailbox, imap_user):
    check = imap.test_connection(imap_mailbox(imap_user))
    assert check.ok and check.problem == ""
    assert "INBOX" in check.message


def test_starttls_on_the_plain_port(imap_mailbox, imap_user, imap_server):
    mailbox = imap_mailbox(imap_user, security=Mailbox.Security.STARTTLS, port=imap_server.starttls_port)
    assert imap.test_connection(mailbox).ok


def test_a_password_given_is_used_instead_of_the_stored_one(imap_mailbox, imap_user):
    mailbox = imap_mailbox(imap_user, password_encrypted="")
    assert imap.test_connection(mailbox).problem == imap.NO_PASSWORD
    assert imap.test_connection(mailbox, password=PASSWORD).ok


def test_refused_when_nothing_listens(imap_mailbox, imap_user):
    port = free_port()
    check = imap.test_connection(imap_mailbox(imap_user, port=port))
    assert (check.ok, check.problem) == (False, imap.REFUSED)
    assert "refused" in check.message and str(port) in check.message


def test_timed_out_when_the_server_says_nothing(imap_mailbox, imap_user, quiet_server, settings):
    settings.MAIL_IMAP_TIMEOUT = 0.5
    check = imap.test_connection(imap_mailbox(imap_user, port=quiet_server))
    assert check.problem == imap.TIMED_OUT
    assert "did not answer in time" in check.message


def test_unknown_host(imap_mailbox, imap_user):
    check = imap.test_connection(imap_mailbox(imap_user, host="no-such-server.invalid"))
    assert check.problem == imap.UNKNOWN_HOST
    assert "no-such-server.invalid" in check.message


def test_a_certificate_from_an_unknown_authority_is_not_trusted(imap_mailbox, imap_user, settings):
    mailbox = imap_mailbox(imap_user)
    settings.MAIL_IMAP_CA_FILE = ""  # the system's authorities only: the test CA is unknown to them
    check = imap.test_connection(mailbox)
    assert check.problem == imap.CERTIFICATE
    assert "not trusted" in check.message


def test_a_certificate_for_another_name(imap_mailbox, imap_user):
    # The certificate is for 127.0.0.1 only; "localhost" reaches the same server under another name.
    check = imap.test_connection(imap_mailbox(imap_user, host="localhost"))
    assert check.problem == imap.CERTIFICATE_NAME
    assert "not for the name localhost" in check.message


def test_an_expired_certificate(imap_mailbox, imap_user, expired_imap_server):
    check = imap.test_connection(imap_mailbox(imap_user, server=expired_imap_server))
    assert check.problem == imap.CERTIFICATE_EXPIRED
    assert check.message == "The server's certificate has expired (127.0.0.1)."


def test_starttls_not_offered_and_the_password_is_not_sent(
    plain_imap_server, imap_mailbox, imap_user, caplog
):
    mailbox = imap_mailbox(
        imap_user, port=plain_imap_server.port, security=Mailbox.Security.STARTTLS, folder="INBOX"
    )
    with caplog.at_level(logging.DEBUG):
        check = imap.test_connection(mailbox)
    assert check.problem == imap.TLS_NOT_OFFERED
    assert "does not offer STARTTLS" in check.message
    assert not plain_imap_server.folder.joinpath("mail", imap_user).exists()  # never logged in


def test_tls_to_a_port_that_speaks_plain_imap(imap_mailbox, imap_user, imap_server):
    check = imap.test_connection(imap_mailbox(imap_user, port=imap_server.starttls_port))
    assert check.problem == imap.TLS
    assert "secure (TLS) connection" in check.message


def test_bad_login_never_shows_the_password(imap_mailbox, imap_user, private_imap_server, caplog):
    mailbox = imap_mailbox(imap_user, server=private_imap_server)
    wrong = "Fel-lösenord-4711"
    with caplog.at_level(logging.DEBUG):
        check = imap.test_connection(mailbox, password=wrong)
        ascii_check = imap.test_connection(mailbox, password="wrong-password-4711")
    assert check.problem == ascii_check.problem == imap.LOGIN
    assert "refused the login" in check.message and imap_user in check.message
    for text in (check.message, ascii_check.message, caplog.text):
        assert "4711" not in text and PASSWORD not in text


def test_no_such_folder(imap_mailbox, imap_user):
    check = imap.test_connection(imap_mailbox(imap_user, folder="Arkiv 2025"))
    assert check.problem == imap.FOLDER
    assert "no folder called “Arkiv 2025”" in check.message


def test_a_folder_with_swedish_letters_and_spaces_is_found(imap_mailbox, imap_user, imap_server, message):
    client = imap_server.client(imap_user)
    assert client.create(imap.encode_folder("Förfrågningar 2026"))[0] == "OK"
    client.logout()
    assert imap.test_connection(imap_mailbox(imap_user, folder="Förfrågningar 2026")).ok


def test_a_stored_password_the_keys_cannot_open(imap_mailbox, imap_user, settings):
    mailbox = imap_mailbox(imap_user)
    settings.SECRET_KEY = "the key was changed after the password was stored"
    settings.MAIL_ENCRYPTION_KEYS = []
    check = imap.test_connection(mailbox)
    assert check.problem == imap.NO_PASSWORD
    assert "enter the password again" in check.message


def test_scrub_removes_the_password_and_login_arguments():
    assert "hemligt" not in imap.scrub("a LOGIN anna hemligt failed", "")
    assert imap.scrub("echo: Secret-1!", "Secret-1!") == "echo: ********"
