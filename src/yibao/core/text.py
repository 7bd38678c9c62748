"""Text helpers for messages shown to users. Pure: no Django."""

ELLIPSIS = "…"
# How much of a value a message may quote back: enough to recognise it, short enough that a pasted
# page does not fill the screen (and cannot smuggle a long text into a page the system shows).
ECHO_LIMIT = 40


def shorten(value: object, limit: int = ECHO_LIMIT) -> str:
    """The value as one line of at most `limit` characters, cut with … and its full length named.

    shorten("a" * 100, 10) == "aaaaaaaaa…（共 100 字）"; shorter values come back whole (one line).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    text = " ".join(str(value).split())
    if len(text) <= limit:
        return text
    return f"{text[:limit - 1]}{ELLIPSIS}（共 {len(text)} 字）"
