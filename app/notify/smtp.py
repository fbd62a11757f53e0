"""E-mail through the plant's SMTP server (stdlib `smtplib`): STARTTLS, implicit TLS (ssl) or
plain, login when a user is given. Run by the dispatcher's thread, never the acquisition thread."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.notify.webhooks import DeliveryError


def send_mail(
    channel,
    password: str | None,
    to: str,
    subject: str,
    text: str,
    *,
    context: ssl.SSLContext | None = None,
) -> None:
    """Send one plain-text e-mail (UTF-8) through `channel` (core.schema.notify.SmtpChannel);
    DeliveryError when it does not get through. `context`: the TLS context (default: the
    system's trusted certificates, host name checked)."""
    msg = EmailMessage()
    msg["From"] = channel.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2] or None)
    msg.set_content(text)
    context = context or ssl.create_default_context()
    where = f"{channel.host}:{channel.port}"
    try:
        if channel.security == "ssl":
            server = smtplib.SMTP_SSL(channel.host, channel.port, timeout=channel.timeout_s, context=context)
        else:
            server = smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout_s)
        with server:
            if channel.security == "starttls":
                server.starttls(context=context)
            if channel.user:
                server.login(channel.user, password or "")
            server.send_message(msg)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"{where} refused the login of {channel.user}: {exc.smtp_code}") from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"{where}: {exc}") from None
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryError(f"{where} unreachable: {exc}") from None
