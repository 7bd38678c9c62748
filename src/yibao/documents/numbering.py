"""Numbers of issued documents: a 文号 in the bureau's format for documents sent to the party, a serial for
internal forms. One counter row per (bureau, series, year), taken under its lock inside the issuing's
transaction, so concurrent issuings get distinct numbers and a failed issuing rolls its number back."""

from __future__ import annotations

from django.db.models import F

from yibao.org.models import Bureau

from .models import SERIAL_FORMAT, DocumentCounter, DocumentSettings, Numbering


def series_of(numbering: str, kind: str, kind_abbr: str) -> str:
    """Kinds sharing an abbreviation share its 文号 sequence (罚: decisions of every kind); serials are per kind."""
    return f"abbr:{kind_abbr}" if numbering == Numbering.DOCUMENT_NUMBER else f"serial:{kind}"


def next_sequence(bureau: Bureau, series: str, year: int) -> int:
    """Take the next number of the series; call inside the issuing's transaction.

    The UPDATE comes first: on PostgreSQL it waits for the row lock a concurrent issuing holds until it
    commits, then adds one to what that issuing wrote; on SQLite the write lock serialises the two. Two
    issuings racing to create a missing row insert one between them (ignore_conflicts), then both update.
    """
    counter = DocumentCounter.objects.filter(bureau=bureau, series=series, year=year)
    if not counter.update(last=F("last") + 1):
        DocumentCounter.objects.bulk_create([DocumentCounter(bureau=bureau, series=series, year=year, last=0)],
                                            ignore_conflicts=True)
        counter.update(last=F("last") + 1)
    return counter.values_list("last", flat=True).get()


def bureau_abbreviation(settings: DocumentSettings) -> str:
    # The case numbers take the bureau name's first character the same way (cases.services.filing).
    return settings.abbreviation or settings.bureau.name[:1]


def format_number(settings: DocumentSettings, *, numbering: str, kind: str, label: str, kind_abbr: str,
                  year: int, n: int) -> str:
    if numbering == Numbering.DOCUMENT_NUMBER:
        return settings.format_for(kind).format(abbr=bureau_abbreviation(settings), kind_abbr=kind_abbr,
                                                year=year, n=n)
    return SERIAL_FORMAT.format(label=label, year=year, n=n)
