"""Outgoing e-mail: SMTP when SMTP_HOST is set, otherwise `.eml` files in EMAIL_OUTBOX_DIR.

A message that cannot be sent is logged and does not fail the request that caused it: the user
can ask for the code again.
"""

import asyncio
import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import aiosmtplib

from config.links import api_link
from config.settings import Settings, active_settings
from models.commons import new_id

log = logging.getLogger("hosthome.email")
SMTP_TIMEOUT_SECONDS = 10


def build_message(settings: Settings, to: str, subject: str, text: str) -> EmailMessage:
    """An RFC 5322 message from the service's sender."""
    message = EmailMessage()
    message["From"] = settings.SMTP_FROM
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="hosthome.local")
    message.set_content(text)
    return message


async def send_email(to: str, subject: str, text: str) -> None:
    """Send (or, without SMTP, write) one plain-text message."""
    settings = active_settings()
    message = build_message(settings, to, subject, text)
    try:
        if settings.SMTP_HOST:
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
            log.info("e-mail sent to %s: %s", to, subject)
        else:
            path = await asyncio.to_thread(_write_eml, Path(settings.EMAIL_OUTBOX_DIR), message)
            log.info("e-mail to %s written to %s (no SMTP_HOST set): %s", to, path, subject)
    except (aiosmtplib.SMTPException, OSError) as exc:
        log.error("could not send e-mail to %s (%s): %s", to, subject, exc)


def _write_eml(directory: Path, message: EmailMessage) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{message['Date'].datetime.strftime('%Y%m%dT%H%M%S')}-{new_id()}.eml"
    path.write_bytes(bytes(message))
    return path


def _link(path: str, **query: str) -> str:
    # The link opens an API route, which redirects the browser to the web app's page.
    url = api_link(path, **query)
    return f"\n\nOr open {url}" if url else ""


async def send_confirmation_code(to: str, first_name: str, code: str) -> None:
    """The sign-up confirmation code."""
    await send_email(
        to,
        "Confirm your e-mail address",
        f"Hello {first_name},\n\nYour confirmation code is {code}. It is valid for 24 hours."
        + _link("/api/auth/signup/confirm", email=to, code=code),
    )


async def send_password_reset_code(to: str, first_name: str, code: str) -> None:
    """The forgotten-password code."""
    await send_email(
        to,
        "Reset your password",
        f"Hello {first_name},\n\nYour password reset code is {code}. It is valid for 24 hours."
        # No link: the web app's reset pages take no code from a URL (they ask for it).
        " If you did not ask for it, you can ignore this message.",
    )


async def send_invitation(to: str, first_name: str, code: str, role: str) -> None:
    """An invitation to join as the given role."""
    await send_email(
        to,
        "You are invited to the Host Home Program",
        f"Hello {first_name},\n\nYou have been invited to join the Host Home Program as a {role}."
        f" Your invitation code is {code}; use it to choose your password within 24 hours."
        + _link("/api/auth/confirm-invite", email=to, code=code),
    )


async def send_event_cancelled(to: str, title: str, starts_at: str) -> None:
    """Tell an attendee that an event was cancelled."""
    await send_email(
        to,
        f"Cancelled: {title}",
        f'Hello,\n\nThe event "{title}" planned for {starts_at} has been cancelled.',
    )
