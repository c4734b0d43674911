"""Reflex's upload route, probed with raw HTTP requests against the running product:
nobody gets a byte onto the disk without a session allowed to import or to attach a file in
the conversation console, nor past the limit of what they may send."""
from __future__ import annotations

import socket
import threading

import pytest

from bgotocall.state.audience_import import AudienceImportState
from bgotocall.upload_gate import ATTACHMENT_BYTES, ENVELOPE_BYTES
from services.audience.imports import MAX_UPLOAD_BYTES
from services.identity.login import log_in
from services.models.platform import Role
from tests.support.accounts import PASSWORD, new_tenant, new_user

HANDLER = f"{AudienceImportState.get_full_name()}.receive_file"
BOUNDARY = "bgcboundary"
CAP = MAX_UPLOAD_BYTES + ENVELOPE_BYTES


def _head(port: int, cookie: str = "", length: int | None = None) -> bytes:
    lines = [f"POST /_upload HTTP/1.1", f"Host: localhost:{port}",
             f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
             "Reflex-Client-Token: 0b4e7a7e-made-up-client-token",
             f"Reflex-Event-Handler: {HANDLER}"]
    if cookie:
        lines.append(f"Cookie: bgc_session={cookie}")
    lines.append(f"Content-Length: {length}" if length is not None
                 else "Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _answer_before_any_body(port: int, cookie: str = "", length: int = 350 * 2**20) -> bytes:
    """Announces a 350 MB body, sends none of it: the answer must come all the same."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(_head(port, cookie, length))
        answer = b""
        while chunk := sock.recv(4096):  # the gate closes the connection after its answer
            answer += chunk
        return answer


def _status_before_any_body(port: int, cookie: str = "", length: int = 350 * 2**20) -> int:
    return int(_answer_before_any_body(port, cookie, length).split(b" ", 2)[1])


def _status(sock: socket.socket) -> int:
    answer = b""
    while b"\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    return int(answer.split(b" ", 2)[1])


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _token(role: Role) -> str:
    tenant = None if role == Role.SUPER_ADMIN else new_tenant()
    return log_in(new_user(tenant, role), PASSWORD, "10.40.0.1").token


@pytest.mark.e2e
def test_an_anonymous_upload_is_refused_before_its_body_is_read(product):
    assert _status_before_any_body(product.web_port) == 403
    assert _status_before_any_body(product.web_port, cookie="made-up-session") == 403


@pytest.mark.e2e
def test_a_role_that_neither_imports_nor_answers_is_refused_before_its_body_is_read(product):
    assert _status_before_any_body(product.web_port, cookie=_token(Role.SUPER_ADMIN)) == 403


@pytest.mark.e2e
def test_an_agent_may_announce_an_attachments_size_only(product):
    """Agents attach an image or a PDF in the console: 5 Mo and the envelope, no import."""
    answer = _answer_before_any_body(product.web_port, cookie=_token(Role.AGENT),
                                     length=ATTACHMENT_BYTES + 1)
    assert answer.startswith(b"HTTP/1.1 413") and answer.endswith("dépasse 5 Mo.".encode())


@pytest.mark.e2e
def test_an_announced_oversized_upload_is_refused_before_its_body_is_read(product):
    assert _status_before_any_body(product.web_port, cookie=_token(Role.ADMIN)) == 413


@pytest.mark.e2e
def test_a_chunked_upload_is_cut_off_past_the_limit(product):
    port = product.web_port
    part = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"enorme.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode()
    chunk = b"6 71 23 45 67\n" * 75_000  # about 1 MB of phone numbers per chunk
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(_head(port, _token(Role.ADMIN)) + _chunk(part))
        statuses: list[int] = []
        reader = threading.Thread(target=lambda: statuses.append(_status(sock)))
        reader.start()
        sent = 0
        try:
            while sent <= CAP + 32 * len(chunk) and reader.is_alive():  # slack: socket buffers
                sock.sendall(_chunk(chunk))
                sent += len(chunk)
        except OSError:
            pass  # the server closed the connection after its answer
        reader.join(60)
    assert statuses == [413]
