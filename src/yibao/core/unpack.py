"""Bounds on what an uploaded office file (.xlsx, .docx: ZIP packages) may unpack to. Pure Python: no Django.

A 200 KB .xlsx can hold a 200 MB cell, and a ZIP's declared sizes are written by whoever made it, so
`check_package` both adds up the declared sizes (cheap, catches the honest bomb at once) and then
decompresses every member in chunks counting the bytes that really come out, stopping as soon as the
total passes the bound. Only a package that passes is handed to openpyxl or python-docx, which then
read no more than was counted.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """How much one uploaded document may hold. A real 权责清单 is a few thousand rows and a few MB of XML;
    the defaults leave tenfold room. Sites set them in settings (YIBAO_UPLOAD_*)."""

    max_unpacked_bytes: int = 64 * MIB
    max_rows: int = 50_000
    max_columns: int = 200
    max_problems: int = 200


DEFAULT_LIMITS = UploadLimits()


class PackageTooLarge(ValueError):
    """The package unpacks to more than the bound; the message is Chinese and names the file."""


def _mib(n: int) -> str:
    return f"{n / MIB:.0f} MB"


def too_large_message(name: str, limit: int) -> str:
    return (f"{name}：文件解压后超过 {_mib(limit)}，不予读取（可能是压缩炸弹，或表格中夹带了大量无关内容）。"
            "请只保留清单表格后另存再上传。")


def check_package(path: str | Path, limits: UploadLimits = DEFAULT_LIMITS, *, name: str | None = None) -> None:
    """Raise PackageTooLarge if the ZIP at path unpacks to more than limits.max_unpacked_bytes.

    A file that is not a ZIP is left for the reader to refuse in its own words.
    """
    path = Path(path)
    name = name or path.name
    limit = limits.max_unpacked_bytes
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > limit:
            raise PackageTooLarge(too_large_message(name, limit))
        total = 0
        for member in members:
            try:
                stream = archive.open(member.filename)
            except (zipfile.BadZipFile, OSError, NotImplementedError, KeyError, ValueError):
                return  # the reader reports a damaged package as unreadable
            with stream:
                while True:
                    try:
                        chunk = stream.read(_CHUNK)
                    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                        # What it unpacks to does not match its CRC or declared size: damaged, the reader's to
                        # refuse as unreadable; what was counted so far stayed within bounds.
                        return
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > limit:
                        raise PackageTooLarge(too_large_message(name, limit))
