"""Schemas every router of the API shares."""

from ninja import Schema


class ErrorOut(Schema):
    """The one error shape: a stable code, a Chinese message, the article it enforces (or null)."""

    code: str
    message: str
    basis: str | None = None
