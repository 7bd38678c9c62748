"""Parse problems name the file, the line (or sheet row) and the column, in Chinese."""

from dataclasses import dataclass

# Messages quote the input they refuse; a long cell is cut to this many characters and an ellipsis.
ECHO_MAX_CHARS = 40


def clip(text: str, limit: int = ECHO_MAX_CHARS) -> str:
    """Return text for quoting in a message: at most `limit` characters, '…' marking a cut."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"第{self.line}行")
        if self.column:
            where.append(f"“{self.column}”列")
        return f"{'，'.join(where)}：{self.message}"


class CatalogParseError(ValueError):
    """The document cannot be parsed whole; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
