"""Mail that never breaks a request, never leaks whether an account exists, and reads as a file.

Mail is delivered in the background (utils.flows.email.run_in_background); the `client` fixture
waits for it after each response, so these tests read the outbox as soon as a response is back.
"""

import asyncio
import email
import re
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiosmtpd.controller import Controller

from app import create_app
from config.db import db
from config.settings import Settings, activated
from models.users import UserStatus
from tests.conftest import make_settings
from tests.factories import create_event, make_user, read_outbox, signed_in
from tests.server import free_port
from utils import codes
from utils.flows import email as mail

CODE_LINE = re.compile(rb"^\s*(\d{6})\r?$", re.MULTILINE)


def raw_messages(outbox: Path, to: str) -> list[bytes]:
    """The raw bytes of every .eml file addressed to `to`."""
    found = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if str(message["To"]).lower() == to.lower():
            found.append(raw)
    return found


def _only(items: list[Any]) -> Any:
    """The one item of a list (an assertion when there are none or several)."""
    assert len(items) == 1, items
    return items[0]


# --- 1. header injection, and notifications that cannot undo what they report --------------------


async def test_an_event_title_with_a_line_break_is_cancelled_and_attendees_are_told(
    client: httpx.AsyncClient, outbox: Path
) -> None:
    creator = await signed_in(client, "coordinator")
    attendee = await signed_in(client, "guest")
    event = await create_event(
        client, creator.headers, title="Party\r\nBcc: victim@example.org\nX-Evil: 1"
    )
    assert (
        await client.post(f"/api/events/{event['id']}/attendees", headers=attendee.headers)
    ).status_code == 201
    cancelled = await client.post(f"/api/events/{event['id']}/cancel", headers=creator.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    raw = _only(raw_messages(outbox, attendee.user.email))
    headers = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers
    assert b"\nX-Evil:" not in headers
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Cancelled: Party Bcc: victim@example.org X-Evil: 1"


async def test_deleting_the_creator_of_an_event_with_a_line_break_in_its_title_completes(
    client: httpx.AsyncClient, outbox: Path
) -> None:
    creator = await signed_in(client, "guest")
    coordinator = await signed_in(client, "coordinator")
    event = await create_event(client, creator.headers, title="A\nB", public=False)
    await client.post(f"/api/events/{event['id']}/attendees", headers=coordinator.headers)
    deleted = await client.delete(f"/api/users/{creator.id}", headers=creator.headers)
    assert deleted.status_code == 204, deleted.text
    assert await db.collection("users").count_documents({"_id": creator.id}) == 0
    assert (
        await db.collection("events").count_documents(
            {"creator_id": creator.id, "cancelled": False}
        )
        == 0
    )
    assert read_outbox(outbox, coordinator.user.email)[-1]["Subject"] == "Cancelled: A B"


async def test_a_failing_notification_neither_fails_nor_undoes_the_cancellation(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    creator = await signed_in(client, "coordinator")
    attendee = await signed_in(client, "guest")
    event = await create_event(client, creator.headers)
    await client.post(f"/api/events/{event['id']}/attendees", headers=attendee.headers)

    async def broken(*_: Any, **__: Any) -> bool:
        raise RuntimeError("the mail system is on fire")

    monkeypatch.setattr(mail, "send_email", broken)
    cancelled = await client.post(f"/api/events/{event['id']}/cancel", headers=creator.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert (await client.get(f"/api/events/{event['id']}")).json()["status"] == "cancelled"


def test_no_header_value_made_from_user_text_can_hold_a_line_break() -> None:
    settings = make_settings(Path("/nonexistent"))
    message = mail.build_message(
        settings, "a@example.org\r\nBcc: b@example.org", "Hi\r\nBcc: c@example.org", "Body"
    )
    raw = bytes(message)
    assert b"\nBcc:" not in raw
    assert mail.header_safe("one\r\ntwo\u2028three\x00four") == "one two three four"


# --- 3. links with every query value encoded -----------------------------------------------------


async def test_an_emailed_link_keeps_a_plus_in_the_address(
    client: httpx.AsyncClient, outbox: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "FRONTEND_URL", "https://app.example.org/")
    body = {
        "email": "a+b@example.com",
        "password": "Sup3r-secret!",
        "firstName": "Ann",
        "role": "guest",
    }
    response = await client.post("/api/auth/signup", json=body)
    assert response.status_code == 201, response.text
    message = _only(read_outbox(outbox, "a+b@example.com"))
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    url = re.search(r"https://\S+", text)
    assert url, text
    parts = urlsplit(url.group(0))
    assert parts.path == "/api/auth/signup/confirm"
    query = parse_qs(parts.query)
    assert query["email"] == ["a+b@example.com"]
    assert re.fullmatch(r"\d{6}", query["code"][0])


# --- 4. no existence leak by timing or side effects; retries -------------------------------------


class _Recorder:
    """Records what a request does: its database operations and the jobs it hands off."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.operations: list[str] = []
        self.jobs: list[Any] = []
        original_run = db.guard.run

        async def run(operation: Any, *args: Any, **kwargs: Any) -> Any:
            # Which collection each operation reads or writes, in order.
            collection = getattr(getattr(operation, "__self__", None), "name", "?")
            self.operations.append(str(collection))
            return await original_run(operation, *args, **kwargs)

        monkeypatch.setattr(db.guard, "run", run)
        self.recording = True
        original_background = getattr(mail, "run_in_background", None)

        def run_in_background(job: Any, label: str) -> None:
            if self.recording:
                self.jobs.append(job)
            elif original_background is not None:
                original_background(job, label)

        # raising=False: on code without background jobs the test fails on what it sees.
        monkeypatch.setattr(mail, "run_in_background", run_in_background, raising=False)

    def take(self) -> tuple[list[str], list[Any]]:
        taken = (self.operations, self.jobs)
        self.operations, self.jobs = [], []
        return taken


def _visible(response: httpx.Response) -> tuple[int, dict[str, Any], dict[str, str]]:
    body = response.json()
    body.pop("requestId", None)
    headers = {
        k: v for k, v in response.headers.items() if k not in ("x-request-id", "content-length")
    }
    return response.status_code, body, headers


@pytest.mark.parametrize(
    ("path", "status", "purpose"),
    [
        ("/api/auth/forgot-password", UserStatus.ACTIVE, "Reset your password"),
        ("/api/auth/resend_confirmation_code", UserStatus.UNCONFIRMED, "Confirm your e-mail"),
    ],
)
async def test_the_request_does_the_same_work_for_known_and_unknown_addresses(  # noqa: PLR0917
    client: httpx.AsyncClient,
    outbox: Path,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    status: UserStatus,
    purpose: str,
) -> None:
    known = await make_user("guest", status=status)
    issued: list[str] = []
    original_issue = codes.issue_code

    async def counting_issue(*args: Any) -> str:
        issued.append("code")
        return await original_issue(*args)

    monkeypatch.setattr(codes, "issue_code", counting_issue)
    recorder = _Recorder(monkeypatch)

    for_known = await client.post(path, json={"email": known.email})
    known_operations, known_jobs = recorder.take()
    for_unknown = await client.post(path, json={"email": "nobody-at-all@example.org"})
    unknown_operations, unknown_jobs = recorder.take()

    assert _visible(for_known) == _visible(for_unknown)
    assert known_operations == unknown_operations  # the same database work, in the same order
    assert "users" not in known_operations  # the account is not even looked up
    assert "verification_codes" not in known_operations
    assert len(known_jobs) == len(unknown_jobs) == 1
    assert not issued  # no code was made inside the request
    assert not read_outbox(outbox, known.email)  # and nothing was sent

    # The background half does the real work, for the real account only.
    recorder.recording = False
    await known_jobs[0]()
    await unknown_jobs[0]()
    await mail.drain()
    assert issued == ["code"]
    message = _only(read_outbox(outbox, known.email))
    assert str(message["Subject"]).startswith(purpose)
    assert not read_outbox(outbox, "nobody-at-all@example.org")


class _FlakyInbox:
    """An SMTP handler that refuses the first `failures` messages with a temporary error."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0
        self.messages: list[Message] = []

    async def handle_DATA(  # pylint: disable=invalid-name
        self, server: object, session: object, envelope: Any
    ) -> str:
        del server, session
        self.attempts += 1
        if self.attempts <= self.failures:
            return "451 4.3.0 Try again later"
        content = envelope.content
        self.messages.append(email.message_from_bytes(content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def flaky_smtp() -> Iterator[tuple[int, _FlakyInbox]]:
    """A real SMTP server on loopback that fails twice, then accepts."""
    inbox = _FlakyInbox(failures=2)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


async def test_a_transient_smtp_failure_is_retried_until_the_mail_goes_out(
    tmp_path: Path, flaky_smtp: tuple[int, _FlakyInbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, inbox = flaky_smtp
    monkeypatch.setattr(mail, "RETRY_DELAYS_SECONDS", (0.01, 0.02, 0.04), raising=False)
    settings = make_settings(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    with activated(settings):
        await mail.send_email("person@example.org", "Your code", "Your code is 123456.")
    assert inbox.attempts == 3
    assert len(inbox.messages) == 1
    assert "123456" in inbox.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_shutdown_waits_for_mail_still_being_sent(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    application = create_app(settings, database_name="hosthome_test_shutdown_mail")
    done: list[str] = []

    async def slow_job() -> None:
        await asyncio.sleep(0.2)
        done.append("sent")

    async with application.router.lifespan_context(application):
        mail.run_in_background(slow_job, "slow test job")
    assert done == ["sent"]


async def test_a_job_still_running_at_the_deadline_is_logged_and_cancelled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def stuck_job() -> None:
        await asyncio.sleep(60)

    mail.run_in_background(stuck_job, "stuck test job")
    with caplog.at_level("ERROR", logger="hosthome.email"):
        assert await mail.drain(within_seconds=0.05) == ["stuck test job"]
    assert "stuck test job" in caplog.text
    assert await mail.drain(within_seconds=0.05) == []  # nothing is left behind


# --- 5. mail readable as a file ------------------------------------------------------------------


async def test_an_invitation_is_plain_text_with_the_code_on_a_line_of_its_own(
    client: httpx.AsyncClient, outbox: Path
) -> None:
    coordinator = await signed_in(client, "coordinator")
    invite = {
        "email": "ivy.plain-text@example.org",
        "firstName": "Ivy",
        "lastName": "Invitee-With-A-Rather-Long-Family-Name",
        "role": "guest",
    }
    response = await client.post("/api/auth/invite", json=invite, headers=coordinator.headers)
    assert response.status_code == 201, response.text
    raw = _only(raw_messages(outbox, "ivy.plain-text@example.org"))
    assert b"Content-Transfer-Encoding: 7bit" in raw
    assert b"quoted-printable" not in raw.lower()
    assert b"=\n" not in raw  # no soft line breaks
    codes_found = CODE_LINE.findall(raw.split(b"\n\n", 1)[1])
    assert len(codes_found) == 1
    assert b"invitation code is" in raw


async def test_a_message_with_non_ascii_text_is_8bit_utf8_not_quoted_printable(
    tmp_path: Path,
) -> None:
    with activated(make_settings(tmp_path)):
        await mail.send_confirmation_code("jose@example.org", "José", "654321")
        await mail.drain()
    raw = _only(raw_messages(tmp_path / "outbox", "jose@example.org"))
    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert "Hello José,".encode() in raw
    assert CODE_LINE.findall(raw.split(b"\n\n", 1)[1]) == [b"654321"]


# --- 6. the outbox of the embedded store ---------------------------------------------------------


async def test_the_embedded_store_clears_stale_mail_from_the_outbox_at_start(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    (outbox / "20260101T000000-old.eml").write_bytes(b"To: old@example.org\n\ncode 111111\n")
    (outbox / "notes.txt").write_text("not mail")
    application = create_app(make_settings(tmp_path), database_name="hosthome_test_outbox")
    async with application.router.lifespan_context(application):
        assert not list(outbox.glob("*.eml"))
    assert (outbox / "notes.txt").exists()
