"""E-mail goes out over real SMTP when SMTP_HOST is set, and to .eml files otherwise."""

import email
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from config.settings import activated
from tests.conftest import make_settings
from tests.server import free_port
from utils.flows import email as email_module
from utils.flows.email import send_email


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(  # pylint: disable=invalid-name
        self, server: object, session: object, envelope: object
    ) -> str:
        del server, session
        content = envelope.content  # type: ignore[attr-defined]
        message = email.message_from_bytes(content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, message))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, _Inbox]]:
    """A real SMTP server on loopback that keeps what it receives."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


async def test_mail_is_sent_over_smtp_when_configured(
    tmp_path: Path, smtp_server: tuple[int, _Inbox]
) -> None:
    port, inbox = smtp_server
    settings = make_settings(
        tmp_path,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_STARTTLS=False,
        SMTP_FROM="hh@example.org",
    )
    with activated(settings):
        await send_email("person@example.org", "Your code", "Your code is 123456.")
    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert sender == "hh@example.org"
    assert recipients == ["person@example.org"]
    assert message["Subject"] == "Your code"
    assert "123456" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert not (tmp_path / "outbox").exists()


async def test_without_smtp_mail_is_written_as_eml(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with activated(settings):
        await send_email("person@example.org", "Hello", "Body text")
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == "person@example.org"
    assert message["Message-ID"]
    assert message["Date"]


async def test_an_unreachable_smtp_server_does_not_fail_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(email_module, "RETRY_DELAYS_SECONDS", (0.01,))
    settings = make_settings(
        tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False
    )
    with activated(settings):
        await send_email("person@example.org", "Hello", "Body")  # logged, not raised
