"""PDF files made by the tests: notices printed to PDF, and PDFs made to hurt a reader."""

import io
import zlib


def pdf_file(objects: list[str | bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first being the catalogue)."""
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        data = body if isinstance(body, bytes) else body.encode("latin-1")
        out.write(f"{number} 0 obj\n".encode() + data + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF".encode()
    )
    return out.getvalue()


def notice_pdf(text: str) -> bytes:
    """A PDF whose pages hold ``text``'s lines, as HR's PDF notices do."""
    lines = text.splitlines()
    pages = [lines[start : start + 60] for start in range(0, len(lines), 60)]
    objects: list[str | bytes] = ["<< /Type /Catalog /Pages 2 0 R >>", "", ""]
    objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    kids = []
    for page_lines in pages:
        escaped = [
            line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            for line in page_lines
        ]
        stream = "BT /F1 9 Tf 11 TL 40 800 Td " + " ".join(f"({line}) Tj T*" for line in escaped)
        stream += " ET"
        data = stream.encode("cp1252", errors="replace").decode("latin-1")
        objects.append(f"<< /Length {len(data)} >>\nstream\n{data}\nendstream")
        content = len(objects)
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    return pdf_file(objects)


def _one_page(kids: str, count: int | str) -> bytes:
    return pdf_file(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            "<< /Length 0 >>\nstream\n\nendstream",
        ]
    )


def many_pages(count: int) -> bytes:
    """``count`` pages that are all one page object: a few bytes a page."""
    return _one_page(" ".join(["3 0 R"] * count), count)


def lying_page_count(count: int) -> bytes:
    """A page array of ``count`` entries under a tree that says it holds one page."""
    return _one_page(" ".join(["3 0 R"] * count), 1)


def deep_page_tree(depth: int) -> bytes:
    """Page-tree nodes nested ``depth`` deep, each holding the next one twice."""
    objects: list[str | bytes] = ["<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = len(objects) + 1
        kids = f"{number + 1} 0 R {number + 1} 0 R"
        objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {2 ** (depth - level)} >>")
    objects.append("<< /Type /Page /MediaBox [0 0 595 842] >>")
    return pdf_file(objects)


def decompression_bomb(megabytes: int) -> bytes:
    """One page whose content unpacks from about a thousandth of its size into
    ``megabytes`` MB."""
    packer = zlib.compressobj(9)
    chunk = b"BT /F1 9 Tf (A) Tj ET " * 45_455  # a megabyte of text to show
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    stream = f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
    return pdf_file(
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>",
            stream + packed + b"\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def password_protected() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
