"""IMAP over TLS (or STARTTLS): connecting to a mailbox, and the connection test that says what is wrong.

`connect(mailbox)` gives a logged-in `imaplib.IMAP4` (TLS verified against the system's CAs plus
MAIL_IMAP_CA_FILE; every socket operation bounded by MAIL_IMAP_TIMEOUT) or raises `ImapProblem`, whose
`problem` is a stable code and whose `message` says in words what is wrong. The password is never in a
message, an exception or a log line: server answers are scrubbed of it before they are shown.
"""

import base64
import contextlib
import imaplib
import logging
import re
import socket
import ssl
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from . import secrets

log = logging.getLogger(__name__)

# Problems (stable codes; the message says them in words).
REFUSED = "refused"
TIMED_OUT = "timed_out"
UNKNOWN_HOST = "unknown_host"
UNREACHABLE = "unreachable"
CERTIFICATE = "certificate"
CERTIFICATE_NAME = "certificate_name"
CERTIFICATE_EXPIRED = "certificate_expired"
TLS = "tls"
TLS_NOT_OFFERED = "tls_not_offered"
LOGIN = "login"
NO_PASSWORD = "no_password"  # noqa: S105 - a problem code
FOLDER = "folder"
PROTOCOL = "protocol"
NOT_IMAP = "not_imap"

# OpenSSL's verify codes (X509_V_ERR_*).
_CERT_EXPIRED = 10
_HOSTNAME_MISMATCH = 62
_IP_MISMATCH = 64


class ImapProblem(Exception):
    def __init__(self, problem: str, message: str):
        super().__init__(message)
        self.problem = problem
        self.message = message


@dataclass(frozen=True)
class Check:
    ok: bool
    problem: str  # "" when ok, else one of the codes above
    message: str  # in words (translated)


def ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.MAIL_IMAP_CA_FILE:
        context.load_verify_locations(cafile=settings.MAIL_IMAP_CA_FILE)
    return context


def scrub(text: str, password: str) -> str:
    """`text` without the password in it (nor anything that looks like a LOGIN command's arguments)."""
    if password:
        text = text.replace(password, "********")
    return re.sub(r"(?i)(LOGIN\s+\S+\s+)\S+", r"\1********", text)[:300]


def _where(mailbox) -> dict:
    return {"host": mailbox.host, "port": mailbox.port}


def network_problem(error: BaseException, mailbox) -> ImapProblem:
    where = _where(mailbox)
    if isinstance(error, ssl.SSLCertVerificationError):
        code = getattr(error, "verify_code", None)
        if code in (_HOSTNAME_MISMATCH, _IP_MISMATCH):
            return ImapProblem(
                CERTIFICATE_NAME,
                _(
                    "The server's certificate is not for the name %(host)s: check the server name, it must "
                    "be the one the certificate was issued for."
                )
                % where,
            )
        if code == _CERT_EXPIRED:
            return ImapProblem(
                CERTIFICATE_EXPIRED, _("The server's certificate has expired (%(host)s).") % where
            )
        return ImapProblem(
            CERTIFICATE,
            _(
                "The server's certificate is not trusted (%(host)s): it is self-signed or issued by an "
                "unknown authority."
            )
            % where,
        )
    if isinstance(error, ssl.SSLError):
        return ImapProblem(
            TLS,
            _(
                "A secure (TLS) connection to %(host)s port %(port)s failed: "
                "is this the right port and security?"
            )
            % where,
        )
    if isinstance(error, socket.gaierror):
        return ImapProblem(UNKNOWN_HOST, _("There is no server called %(host)s: check the name.") % where)
    if isinstance(error, ConnectionRefusedError):
        return ImapProblem(
            REFUSED,
            _(
                "The connection was refused: nothing answers at %(host)s port %(port)s. "
                "Check the server and port."
            )
            % where,
        )
    if isinstance(error, TimeoutError | socket.timeout):
        return ImapProblem(
            TIMED_OUT,
            _(
                "The server %(host)s did not answer in time (port %(port)s): "
                "check the server, the port and firewalls."
            )
            % where,
        )
    if isinstance(error, ConnectionError | EOFError | imaplib.IMAP4.abort):
        return ImapProblem(
            UNREACHABLE, _("The connection to %(host)s port %(port)s was closed unexpectedly.") % where
        )
    return ImapProblem(UNREACHABLE, _("%(host)s port %(port)s cannot be reached.") % where)


def _open(mailbox) -> imaplib.IMAP4:
    timeout = settings.MAIL_IMAP_TIMEOUT
    context = ssl_context()
    try:
        if mailbox.security == "starttls":
            client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
            try:
                if "STARTTLS" not in client.capabilities:
                    raise ImapProblem(
                        TLS_NOT_OFFERED,
                        _(
                            "The server %(host)s does not offer STARTTLS on port %(port)s, and the password "
                            "is never sent unencrypted. Use TLS (usually port 993)."
                        )
                        % _where(mailbox),
                    )
                client.starttls(ssl_context=context)
            except BaseException:
                _close(client)
                raise
            return client
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=context, timeout=timeout)
    except ImapProblem:
        raise
    except imaplib.IMAP4.error as error:
        if isinstance(error, imaplib.IMAP4.abort):
            raise network_problem(error, mailbox) from None
        raise ImapProblem(
            NOT_IMAP, _("%(host)s port %(port)s does not answer as an IMAP server.") % _where(mailbox)
        ) from None
    except (OSError, EOFError) as error:
        raise network_problem(error, mailbox) from None


def _close(client) -> None:
    with contextlib.suppress(Exception):  # closing a broken connection
        client.shutdown()


def _login(client, username: str, password: str) -> None:
    try:
        client.login(username, password)
    except UnicodeEncodeError:
        # LOGIN takes ASCII only; AUTHENTICATE PLAIN carries UTF-8.
        client.authenticate("PLAIN", lambda _challenge: f"\0{username}\0{password}".encode())


def connect(mailbox, password: str | None = None) -> imaplib.IMAP4:
    """A logged-in connection to `mailbox` (with `password`, else its stored one). Raises ImapProblem."""
    if password is None:
        try:
            password = secrets.decrypt(mailbox.password_encrypted)
        except secrets.SecretError:
            raise ImapProblem(
                NO_PASSWORD,
                _(
                    "The stored password cannot be read (the encryption keys changed): "
                    "enter the password again."
                ),
            ) from None
    if not password:
        raise ImapProblem(NO_PASSWORD, _("No password is set for this mailbox."))
    client = _open(mailbox)
    try:
        _login(client, mailbox.username, password)
    except imaplib.IMAP4.abort as error:
        _close(client)
        raise network_problem(error, mailbox) from None
    except imaplib.IMAP4.error:
        _close(client)
        raise ImapProblem(
            LOGIN,
            _(
                "The server refused the login for %(user)s: "
                "check the user name and the password (or app password)."
            )
            % {"user": mailbox.username},
        ) from None
    except (OSError, EOFError) as error:
        _close(client)
        raise network_problem(error, mailbox) from None
    return client


def encode_folder(name: str) -> str:
    """A folder name as an IMAP argument: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    out, pending = [], []

    def flush():
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def select(client, folder: str, *, readonly: bool = False) -> int:
    """Select `folder`; returns its UIDVALIDITY. Raises ImapProblem(FOLDER) when there is no such folder."""
    try:
        status, _data = client.select(encode_folder(folder), readonly=readonly)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error:
        status = "NO"
    if status != "OK":
        raise ImapProblem(
            FOLDER, _("There is no folder called “%(folder)s” in this mailbox.") % {"folder": folder}
        )
    values = client.untagged_responses.get("UIDVALIDITY") or [b"0"]
    try:
        return int(values[-1])
    except (TypeError, ValueError):
        status, data = client.status(encode_folder(folder), "(UIDVALIDITY)")
        match = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"")
        return int(match.group(1)) if match else 0


def test_connection(mailbox, password: str | None = None) -> Check:
    """Connect, log in and open the folder, read-only. Says in words what is wrong; never raises."""
    client = None
    try:
        client = connect(mailbox, password)
        select(client, mailbox.folder or "INBOX", readonly=True)
    except ImapProblem as problem:
        log.info("mailbox %s: connection test failed: %s", mailbox.pk, problem.problem)
        return Check(False, problem.problem, problem.message)
    except (imaplib.IMAP4.abort, OSError, EOFError) as error:
        problem = network_problem(error, mailbox)
        return Check(False, problem.problem, problem.message)
    except imaplib.IMAP4.error:
        return Check(False, PROTOCOL, _("The server answered in a way that was not expected."))
    finally:
        if client is not None:
            try:
                client.logout()
            except Exception:
                _close(client)
    return Check(
        True, "", _("Connected, logged in and found the folder “%(folder)s”.") % {"folder": mailbox.folder}
    )


test_connection.__test__ = False  # not a pytest test when a test module imports it
