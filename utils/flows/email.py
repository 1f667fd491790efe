"""Outgoing e-mail: SMTP when SMTP_HOST is set, otherwise `.eml` files in EMAIL_OUTBOX_DIR.

Mail never travels on the request path: a request hands a job to `run_in_background` and answers.
The job (compose, look up, send) runs as a task; a failed SMTP delivery is retried a few times
with backoff and then logged. So a notification can never fail, slow down or half-do the change it
reports, and whether a job sends anything (an account exists or not) is not visible in the answer
or its timing. `drain()` waits for the jobs still running: at shutdown and in tests.

Every header value made from user text goes through `header_safe` (no CR/LF: no header injection,
and no `ValueError` from the e-mail library), and every message body is plain 7bit (8bit when it
holds non-ASCII text) with each code on a line of its own, so an `.eml` file reads as it is.
"""

import asyncio
import logging
import re
import textwrap
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlencode

import aiosmtplib

from config.context import request_origin_var
from config.settings import Settings, active_settings
from models.commons import new_id

log = logging.getLogger("hosthome.email")
SMTP_TIMEOUT_SECONDS = 10
# Waits between delivery attempts: a transient SMTP failure is tried again this many more times.
RETRY_DELAYS_SECONDS: tuple[float, ...] = (1.0, 4.0, 15.0)
BODY_WIDTH = 76
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")

# Jobs started by run_in_background and not finished yet, with what each is for (for the log).
_pending: dict["asyncio.Task[None]", str] = {}


def _with_query(url: str, query: dict[str, str]) -> str:
    return f"{url}?{urlencode(query)}" if query else url


def api_link(path: str, **query: str) -> str | None:
    """An absolute URL of an API route for an e-mail; None when no base is known.

    The base is FRONTEND_URL. Only on the embedded store (a developer's machine, bound to the
    loopback address) may it fall back to the origin of the request being served: elsewhere the
    `Host` header is the client's to choose, and would let anyone send our users links to their
    own site (with a code in them). Without FRONTEND_URL on a real database, mail carries the
    code but no link (a start-up warning says so)."""
    settings = active_settings()
    fallback = request_origin_var.get() if settings.embedded else ""
    base = (settings.FRONTEND_URL or fallback or "").rstrip("/")
    return _with_query(base + path, query) if base else None


def header_safe(value: str) -> str:
    """A header value made from user text: control characters (CR, LF, ...) become one space."""
    return _CONTROL.sub(" ", value).strip()


def build_message(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    """An RFC 5322 message from the service's sender, as plain 7bit (or 8bit) text."""
    message = EmailMessage()
    message["From"] = header_safe(settings.SMTP_FROM)
    message["To"] = header_safe(to)
    message["Subject"] = header_safe(subject)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="hosthome.local")
    # Not quoted-printable: that splits words and codes across lines in the raw message.
    message.set_content(text, cte="7bit" if text.isascii() else "8bit")
    return message


async def send_email(to: str, subject: str, text: str) -> bool:
    """Send (or, without SMTP, write) one plain-text message now, retrying transient failures.

    Returns whether it went out; a failure is logged, never raised: the user can ask again.
    """
    settings = active_settings()
    message = build_message(settings, to, subject, text)
    if not settings.SMTP_HOST:
        try:
            path = await asyncio.to_thread(_write_eml, Path(settings.EMAIL_OUTBOX_DIR), message)
        except OSError as exc:
            log.error("could not write e-mail to %s (%s): %s", to, message["Subject"], exc)
            return False
        log.info("e-mail to %s written to %s (no SMTP_HOST set): %s", to, path, message["Subject"])
        return True
    for attempt, delay in enumerate((*RETRY_DELAYS_SECONDS, None), start=1):
        try:
            await aiosmtplib.send(
                message,
                hostname=settings.SMTP_HOST,
                port=settings.SMTP_PORT,
                username=settings.SMTP_USERNAME,
                password=(
                    settings.SMTP_PASSWORD.get_secret_value() if settings.SMTP_PASSWORD else None
                ),
                start_tls=settings.SMTP_STARTTLS,
                timeout=SMTP_TIMEOUT_SECONDS,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            if delay is None:
                log.error(
                    "could not send e-mail to %s (%s) after %d attempts: %s",
                    to,
                    message["Subject"],
                    attempt,
                    exc,
                )
                return False
            log.warning("e-mail to %s failed (attempt %d), retrying: %s", to, attempt, exc)
            await asyncio.sleep(delay)
        else:
            log.info("e-mail sent to %s: %s", to, message["Subject"])
            return True
    return False  # pragma: no cover  (the loop always returns)


def _write_eml(directory: Path, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{message['Date'].datetime.strftime('%Y%m%dT%H%M%S')}-{new_id()}.eml"
    path.write_bytes(bytes(message))
    return path


def clear_outbox(directory: Path) -> int:
    """Remove the `.eml` files of an outbox folder; how many were removed."""
    removed = 0
    for path in directory.glob("*.eml"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


# --- background jobs ---------------------------------------------------------------------------


async def _run_job(job: Callable[[], Awaitable[object]], label: str) -> None:
    try:
        await job()
    except Exception:  # pylint: disable=broad-exception-caught
        # A notification that fails must not surface anywhere but the log.
        log.exception("background mail job failed: %s", label)


def run_in_background(job: Callable[[], Awaitable[object]], label: str) -> None:
    """Start a mail job (look-ups, codes, sending) after the current request; never raises."""
    task = asyncio.get_running_loop().create_task(_run_job(job, label))
    _pending[task] = label
    task.add_done_callback(lambda done: _pending.pop(done, None))


async def drain(within_seconds: float | None = None) -> list[str]:
    """Wait until every mail job (and any job it started) has finished, or `within_seconds`.

    Returns what the unfinished jobs were for (empty when all finished); those are logged and
    cancelled (at shutdown nothing would run them any more).
    """
    loop = asyncio.get_running_loop()
    deadline = None if within_seconds is None else loop.time() + within_seconds
    while _pending:
        left = None if deadline is None else deadline - loop.time()
        if left is not None and left <= 0:
            break
        await asyncio.wait(list(_pending), timeout=left)
    unfinished = list(_pending.values())
    if unfinished:
        log.error("%d mail jobs not finished: %s", len(unfinished), "; ".join(unfinished))
        tasks = list(_pending)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return unfinished


def post_email(to: str, subject: str, text: str) -> None:
    """Queue one message for background delivery."""
    label = f"mail to {to}: {header_safe(subject)}"
    run_in_background(lambda: send_email(to, subject, text), label)


# --- the messages ------------------------------------------------------------------------------


def compose(*paragraphs: str | None) -> str:
    """A plain-text body: paragraphs wrapped for reading, blank lines between, None skipped.

    Words are never broken, so a code or a link stays whole on its line.
    """
    wrapped = [
        textwrap.fill(p, BODY_WIDTH, break_long_words=False, break_on_hyphens=False)
        for p in paragraphs
        if p
    ]
    return "\n\n".join(wrapped) + "\n"


def _code_mail(first_name: str, intro: str, code: str, after: str, url: str | None) -> str:
    return compose(
        f"Hello {first_name},",
        intro,
        f"    {code}",
        after,
        f"Or open this link: {url}" if url else None,
    )


async def send_confirmation_code(to: str, first_name: str, code: str) -> None:
    """The sign-up confirmation code (delivered in the background)."""
    post_email(
        to,
        "Confirm your e-mail address",
        _code_mail(
            first_name,
            "Your confirmation code is:",
            code,
            "It is valid for 24 hours.",
            api_link("/api/auth/signup/confirm", email=to, code=code),
        ),
    )


async def send_password_reset_code(to: str, first_name: str, code: str) -> None:
    """The forgotten-password code (delivered in the background)."""
    post_email(
        to,
        "Reset your password",
        _code_mail(
            first_name,
            "Your password reset code is:",
            code,
            "It is valid for 24 hours. If you did not ask for it, you can ignore this message.",
            # No link: the web app's reset pages take no code from a URL (they ask for it).
            None,
        ),
    )


async def send_invitation(to: str, first_name: str, code: str, role: str) -> None:
    """An invitation to join as the given role (delivered in the background)."""
    post_email(
        to,
        "You are invited to the Host Home Program",
        _code_mail(
            first_name,
            f"You have been invited to join the Host Home Program as a {role}."
            " Your invitation code is:",
            code,
            "Use it to choose your password within 24 hours.",
            api_link("/api/auth/confirm-invite", email=to, code=code),
        ),
    )


async def send_event_cancelled(to: str, title: str, starts_at: str) -> None:
    """Tell an attendee that an event was cancelled (delivered in the background)."""
    post_email(
        to,
        f"Cancelled: {title}",
        compose("Hello,", f'The event "{title}" planned for {starts_at} has been cancelled.'),
    )
