"""An SMS sender for browser tests: the live server runs in a child process, so the in-memory
console outbox is out of the test's reach. This sender appends each message as one JSON line
to the file named by the ``E2E_SMS_FILE`` setting, which the test reads back."""

import json
import re
from pathlib import Path

from django.conf import settings


def file_sender(phone: str, message: str) -> None:
    with Path(settings.E2E_SMS_FILE).open("a", encoding="utf-8") as out:
        out.write(json.dumps({"phone": phone, "message": message}, ensure_ascii=False) + "\n")


def messages_to(path: Path, phone: str) -> list[str]:
    """Every message sent to ``phone`` (in E.164 or as typed), oldest first."""
    if not path.exists():
        return []
    digits = re.sub(r"\D", "", phone)[-11:]
    sent = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [m["message"] for m in sent if re.sub(r"\D", "", m["phone"]).endswith(digits)]


def last_code(path: Path, phone: str) -> str:
    """The six-digit code of the latest message to ``phone``."""
    for message in reversed(messages_to(path, phone)):
        found = re.search(r"\b(\d{6})\b", message)
        if found:
            return found.group(1)
    raise AssertionError(f"no code was sent to {phone}: {messages_to(path, phone)!r}")
