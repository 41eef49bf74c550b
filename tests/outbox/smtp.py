"""A real SMTP server on a loopback port for tests (aiosmtpd), which can refuse, go down and come back."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    """Accepts mail, or refuses it (451 for everyone, or for the addresses in `refuse_only`), or holds
    the first recipient of a transaction until released (to kill the sender meanwhile)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.refuse = False
        self.refuse_only: set[str] = set()
        self.hold = False
        self.holding = threading.Event()
        self.received: list[Message] = []
        self.envelopes: list[list[str]] = []
        self._controller: Controller | None = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.hold:
            self.holding.set()
            while self.hold:
                await asyncio.sleep(0.02)
        if self.refuse or address in self.refuse_only:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append(message_from_bytes(envelope.original_content))
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]


@pytest.fixture
def smtp_server(settings) -> Iterator[MailServer]:
    """A running server, and the settings that send to it."""
    server = MailServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        server.hold = False
        server.stop()
