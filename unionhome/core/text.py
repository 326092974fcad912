"""Free text from users (chat, notes, descriptions) as it may be stored.

Control characters break documents and logs; the bidirectional overrides and isolates
(U+202A-U+202E, U+2066-U+2069) make text display in a different order from the one it was
written in ("Trojan Source"): a chat line or a note could show a different amount or name.
Both are removed on the way in; line breaks and tabs stay."""

import re

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str | None) -> str:
    return _UNSAFE.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
