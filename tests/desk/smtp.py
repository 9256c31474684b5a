"""A real SMTP server for the notification tests (aiosmtpd), on a port of the test range."""

import socket
from contextlib import closing
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from tests.site.servers import port


class Inbox:
    """aiosmtpd's handler: keeps every message it is handed, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": list(envelope.rcpt_tos), "message": message})
        return "250 Message accepted for delivery"

    @property
    def subjects(self) -> list[str]:
        return [item["message"]["subject"] for item in self.messages]


class SmtpServer:
    def __init__(self, offset: int = 60):
        self.port = port(offset)
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
        }


def closed_port(offset: int = 61) -> int:
    """A port of the test range where nothing listens: a mail server that is down."""
    number = port(offset)
    with closing(socket.socket()) as probe:
        assert probe.connect_ex(("127.0.0.1", number)) != 0, f"port {number} is in use"
    return number
