"""Parse problems name the file, the line (or sheet row) and the column, in Chinese."""

from dataclasses import dataclass

# Messages quote the input they refuse, cut short the way every message of the system is.
from yibao.core.text import ECHO_LIMIT as ECHO_MAX_CHARS
from yibao.core.text import shorten as clip

__all__ = ["ECHO_MAX_CHARS", "CatalogParseError", "Problem", "clip"]


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

    def __init__(self, problems: list[Problem], *, total: int | None = None):
        self.problems = problems
        self.total = len(problems) if total is None else total  # the problems found, listed or not
        super().__init__("\n".join(str(p) for p in problems))

    def capped(self, limit: int) -> "CatalogParseError":
        """The first `limit` problems and one line counting the rest, so a page never lists a million."""
        if len(self.problems) <= limit:
            return self
        rest = len(self.problems) - limit
        first = self.problems[0].file.split("［", 1)[0]
        return CatalogParseError([*self.problems[:limit], Problem(first, None, None, f"还有 {rest} 处问题未列出")],
                                 total=self.total)
