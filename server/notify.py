"""The Notifier port: how verification codes (and later, notices) reach people.

Development and tests use :class:`LogNotifier`, which writes the code to the log and
lets the API show it on screen (``reveals_codes``): there is no SMS gateway here. An SMS
or WeChat notifier implements the same protocol and reveals nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from server.domain.contact import Contact

log = logging.getLogger(__name__)


class Notifier(Protocol):
    @property
    def reveals_codes(self) -> bool:
        """True when codes are not really delivered and may be shown to the requester."""
        ...

    async def send_code(self, contact: Contact, code: str, purpose: str) -> None: ...


@dataclass
class LogNotifier:
    sent: list[tuple[Contact, str, str]] = field(default_factory=list)
    keep: int = 1000

    @property
    def reveals_codes(self) -> bool:
        return True

    async def send_code(self, contact: Contact, code: str, purpose: str) -> None:
        log.info("verification code for %s (%s): %s", contact.masked(), purpose, code)
        self.sent.append((contact, code, purpose))
        del self.sent[: -self.keep]

    def last_code(self, contact_value: str) -> str | None:
        for contact, code, _ in reversed(self.sent):
            if contact.value == contact_value:
                return code
        return None
