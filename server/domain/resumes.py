"""What counts as a resume file, and who may read one when (pure).

A resume is a PDF or a DOCX, decided by its *content*, never by the name or the
declared Content-Type: an executable renamed ``cv.pdf`` has no ``%PDF-`` header and is
refused. A DOCX is a ZIP, so it is also checked for being a zip bomb: the declared
uncompressed sizes must add up to at most :data:`MAX_UNCOMPRESSED`, and because those
sizes are written by whoever made the file, every member is also inflated in a stream
and counted, so an archive that lies about its sizes is caught as soon as it passes the
limit (at most that many bytes are ever produced).

Reading rules (DESIGN.md, "Privacy"): the owner always; otherwise a *ground* — a queue
ticket at a booth the reader staffs, or an application to an employer the reader works
for — that is open, or closed less than :data:`ACCESS_AFTER_CLOSE` ago.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final
from urllib.parse import quote
from uuid import UUID

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_UNCOMPRESSED: Final = 50 * 1024 * 1024
MAX_MEMBERS: Final = 2000  # a real .docx has a few dozen parts
TRAILER_WINDOW: Final = 1024  # %%EOF must be within the last KiB (ISO 32000 allows trailing junk)
MAX_PER_CANDIDATE: Final = 5
ACCESS_AFTER_CLOSE: Final = timedelta(days=30)

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSION: Final[dict[str, str]] = {PDF: ".pdf", DOCX: ".docx"}
DOCX_REQUIRED: Final = ("[Content_Types].xml", "word/document.xml")


class ResumeRefused(ValueError):
    """A file that is not accepted as a resume; ``code`` is the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def refused(message: str) -> ResumeRefused:
    return ResumeRefused("resume.type_refused", message)


def check_resume(filename: str, data: bytes) -> str:
    """The media type of an acceptable resume, or :class:`ResumeRefused`."""
    if len(data) > MAX_BYTES:
        raise ResumeRefused("resume.too_large", f"a resume is at most {MAX_BYTES} bytes")
    if data.startswith(b"%PDF-"):
        media_type = PDF
        if b"%%EOF" not in data[-TRAILER_WINDOW:]:
            raise refused("a PDF must end with %%EOF (the file is cut short or not a PDF)")
    elif data.startswith(b"PK\x03\x04"):
        media_type = DOCX
        check_docx(data)
    else:
        raise refused("only PDF and DOCX files are accepted")
    if not filename.lower().endswith(EXTENSION[media_type]):
        raise refused(f"the file is {EXTENSION[media_type]}, but its name says otherwise")
    return media_type


def check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refused("not a readable ZIP archive, so not a DOCX") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise bomb(f"more than {MAX_MEMBERS} parts")
        names = {member.filename for member in members}
        missing = [name for name in DOCX_REQUIRED if name not in names]
        if missing:
            raise refused(f"not a Word document: no {', '.join(missing)}")
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED:
            raise bomb("its parts declare more than the limit")
        produced = 0
        for member in members:
            if member.flag_bits & 0x1:
                raise refused("encrypted documents are not accepted")
            produced += inflated_size(data, member, MAX_UNCOMPRESSED - produced)


def inflated_size(data: bytes, member: zipfile.ZipInfo, budget: int) -> int:
    """Inflate one member from its raw bytes, ignoring the sizes it declares, and stop
    (zip bomb) as soon as more than ``budget`` bytes come out."""
    offset = member.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise refused("a part's local header is missing")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = data[start : start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        if len(raw) > budget:
            raise bomb("it holds more than the limit")
        return len(raw)
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise refused("a part uses a compression method Word does not write")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    pending = raw
    try:
        while pending:
            chunk = inflater.decompress(pending, 64 * 1024)
            pending = inflater.unconsumed_tail
            produced += len(chunk)
            if produced > budget:
                raise bomb("it inflates past the limit (its declared sizes lie)")
            if not chunk and not pending:
                break
            if inflater.eof:
                break
        produced += len(inflater.flush())
    except zlib.error as exc:
        raise refused("a part cannot be inflated") from exc
    if produced > budget:
        raise bomb("it inflates past the limit (its declared sizes lie)")
    return produced


def bomb(why: str) -> ResumeRefused:
    return ResumeRefused(
        "resume.zip_bomb", f"a DOCX may hold at most {MAX_UNCOMPRESSED} bytes: {why}"
    )


# -- who may read -------------------------------------------------------------------------


class Reader(StrEnum):
    SELF = "self"
    BOOTH_STAFF = "booth_staff"
    EMPLOYER_STAFF = "employer_staff"


@dataclass(frozen=True, slots=True)
class Ground:
    """A reason a reader other than the owner may read: a ticket or an application.

    ``closed_at`` is None while the ticket or application is open."""

    reader: Reader
    closed_at: datetime | None
    employer_id: UUID | None = None
    booth_id: UUID | None = None
    application_id: UUID | None = None
    resume_id: UUID | None = None  # an application's: the one resume it opens


def open_grounds(grounds: Iterable[Ground], now: datetime) -> list[Ground]:
    """Every ground still valid at ``now``."""
    return [g for g in grounds if g.closed_at is None or now < g.closed_at + ACCESS_AFTER_CLOSE]


def readable_resumes(grounds: Iterable[Ground], resume_ids: Iterable[UUID]) -> list[UUID]:
    """Of a candidate's resumes, those valid grounds open: all of them through a ticket
    (a queue has no resume of its own), only the one sent through an application."""
    grounds = list(grounds)
    if any(g.reader is Reader.BOOTH_STAFF for g in grounds):
        return list(resume_ids)
    sent = {g.resume_id for g in grounds}
    return [r for r in resume_ids if r in sent]


def open_ground(grounds: Iterable[Ground], now: datetime) -> Ground | None:
    """The first ground still valid at ``now`` (open, or closed < 30 days ago)."""
    valid = open_grounds(grounds, now)
    return valid[0] if valid else None


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the RFC 6266 / 5987 ``filename*``."""
    fallback = "".join(
        ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\;' else "_" for ch in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
