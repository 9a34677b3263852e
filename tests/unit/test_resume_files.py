"""Resume files: real PDFs and DOCX files pass; anything else, oversize files and zip
bombs (honest or lying about their sizes) are refused with a clear code."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from server.domain.resumes import (
    DOCX,
    MAX_BYTES,
    MAX_UNCOMPRESSED,
    PDF,
    Ground,
    Reader,
    ResumeRefused,
    check_resume,
    content_disposition,
    open_ground,
)

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
# The first bytes of a Windows executable (an "MZ" DOS header), renamed to .pdf.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(4000)


def docx(parts: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (parts or minimal_docx_parts()).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def minimal_docx_parts() -> dict[str, bytes]:
    return {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxml'
        b'formats.org/package/2006/content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "word/document.xml": "<w:document><w:p>张三 简历</w:p></w:document>".encode(),
    }


def zip_bomb(size: int = MAX_UNCOMPRESSED + 1024 * 1024) -> bytes:
    return docx({**minimal_docx_parts(), "word/media/zeros.bin": bytes(size)})


def lying_zip_bomb() -> bytes:
    """A bomb whose local and central headers claim every part is 100 bytes."""
    data = bytearray(zip_bomb())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        members = archive.infolist()
    for member in members:
        data[member.header_offset + 22 : member.header_offset + 26] = struct.pack("<I", 100)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        data[position + 24 : position + 28] = struct.pack("<I", 100)
        position = data.find(b"PK\x01\x02", position + 4)
    lying = bytes(data)
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert sum(m.file_size for m in archive.infolist()) < 1000  # the lie took
    return lying


def refusal(filename: str, data: bytes) -> str:
    with pytest.raises(ResumeRefused) as caught:
        check_resume(filename, data)
    return caught.value.code


def test_a_pdf_and_a_docx_are_accepted_with_their_media_types() -> None:
    assert check_resume("张三-简历.pdf", PDF_BYTES) == PDF
    assert check_resume("CV.DOCX", docx()) == DOCX


def test_a_pdf_may_have_a_little_junk_after_its_eof_marker() -> None:
    assert check_resume("cv.pdf", PDF_BYTES + b"\r\n" + bytes(500)) == PDF


def test_an_executable_renamed_pdf_is_refused() -> None:
    assert refusal("cv.pdf", EXE_BYTES) == "resume.type_refused"


def test_a_pdf_without_its_eof_trailer_is_refused() -> None:
    assert refusal("cv.pdf", PDF_BYTES.replace(b"%%EOF", b"")) == "resume.type_refused"
    assert refusal("cv.pdf", PDF_BYTES + bytes(2048)) == "resume.type_refused"


def test_a_file_over_5_mib_is_refused_as_too_large() -> None:
    big = PDF_BYTES[:-7] + bytes(MAX_BYTES) + b"\n%%EOF\n"
    assert refusal("cv.pdf", big) == "resume.too_large"


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    plain = docx({"readme.txt": b"hello", "[Content_Types].xml": b"<Types/>"})
    assert refusal("cv.docx", plain) == "resume.type_refused"


def test_a_truncated_docx_is_refused() -> None:
    assert refusal("cv.docx", docx()[:200]) == "resume.type_refused"


def test_a_zip_bomb_is_refused() -> None:
    bomb = zip_bomb()
    assert len(bomb) < MAX_BYTES  # small on the wire: only the inflated size gives it away
    assert refusal("cv.docx", bomb) == "resume.zip_bomb"


def test_a_zip_bomb_lying_about_its_sizes_is_caught_while_inflating() -> None:
    assert refusal("cv.docx", lying_zip_bomb()) == "resume.zip_bomb"


def test_the_name_must_match_the_content() -> None:
    assert refusal("cv.docx", PDF_BYTES) == "resume.type_refused"
    assert refusal("cv.pdf", docx()) == "resume.type_refused"
    assert refusal("cv.exe", PDF_BYTES) == "resume.type_refused"


def test_a_reader_keeps_access_30_days_after_the_ground_closes_and_not_a_second_more() -> None:
    closed = datetime(2020, 7, 10, 12, 0, tzinfo=UTC)
    ground = Ground(Reader.EMPLOYER_STAFF, closed_at=closed, application_id=uuid4())
    assert open_ground([ground], closed + timedelta(days=29, hours=23)) == ground
    assert open_ground([ground], closed + timedelta(days=30)) is None
    still_open = Ground(Reader.BOOTH_STAFF, closed_at=None, booth_id=uuid4())
    assert open_ground([ground, still_open], closed + timedelta(days=400)) == still_open


def test_the_download_name_is_an_attachment_with_a_utf8_name_and_an_ascii_fallback() -> None:
    header = content_disposition('张三 "简历".pdf')
    assert header.startswith("attachment; ")
    assert "filename*=UTF-8''%E5%BC%A0%E4%B8%89%20%22%E7%AE%80%E5%8E%86%22.pdf" in header
    assert 'filename="__ ____.pdf"' in header
