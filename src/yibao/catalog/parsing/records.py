"""What parsing a catalogue gives: the rows read from a file and the items, duties and catalogue made of them."""

from dataclasses import dataclass, field

from yibao.law.citations import Citation


@dataclass
class RawRow:
    """One row of a table as read from a file; `line` is the line (or sheet row) to report."""

    line: int
    cells: list[str]
    where: str | None = None  # e.g. 'Sheet1' for spreadsheets


@dataclass
class ParsedDuty:
    step: str | None
    text: str
    post: str | None = None
    department: str | None = None

    def as_dict(self) -> dict:
        return {"step": self.step, "text": self.text, "post": self.post, "department": self.department}


@dataclass
class ParsedItem:
    seq: str | None
    name: str
    sub_item: str | None
    type: str
    national_code: str | None
    subject: str | None
    implementer: str | None
    level: str | None
    scope: str | None
    remark: str | None
    bases: list[Citation]
    duties: list[ParsedDuty]
    duty_bases: list[Citation]
    basis_text: str
    line: int
    extra: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # how cells were read, e.g. 同上 taken from the row above

    def as_dict(self) -> dict:
        return {
            "seq": self.seq,
            "name": self.name,
            "sub_item": self.sub_item,
            "type": self.type,
            "national_code": self.national_code,
            "subject": self.subject,
            "implementer": self.implementer,
            "level": self.level,
            "scope": self.scope,
            "remark": self.remark,
            "bases": [c.as_dict() for c in self.bases],
            "duties": [d.as_dict() for d in self.duties],
            "duty_bases": [c.as_dict() for c in self.duty_bases],
            "extra": self.extra,
            "line": self.line,
            "notes": self.notes,
        }


@dataclass
class ParsedCatalog:
    title: str | None
    bureau: str | None
    date: str | None
    items: list[ParsedItem]
    source: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "title": self.title,
            "bureau": self.bureau,
            "date": self.date,
            "source": self.source,
            "items": [i.as_dict() for i in self.items],
            "warnings": self.warnings,
        }
