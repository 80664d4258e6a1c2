"""Plain text out of uploaded documents, for search only.

A file whose text cannot be read (scanned PDF, damaged archive) is still a valid upload: it is
found by its title and description, and its text is simply empty.
"""

from __future__ import annotations

import io
import logging
from pathlib import PurePath

logger = logging.getLogger(__name__)

# Enough for any agenda or report; keeps one huge annex from bloating the search table.
MAX_CHARS = 200_000


def extract_text(file, name: str) -> str:
    extension = PurePath(name).suffix.lower()
    reader = READERS.get(extension)
    if reader is None:
        return ""
    try:
        file.seek(0)
        data = file.read()
        text = reader(data)
    except Exception:  # noqa: BLE001 (any parser failure means "no text", never a failed upload)
        logger.warning("no text extracted from %s", name, exc_info=True)
        return ""
    finally:
        file.seek(0)
    return " ".join(text.split())[:MAX_CHARS]


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts.extend(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return "\n".join(texts)


def _plain(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


READERS = {".pdf": _pdf, ".docx": _docx, ".txt": _plain, ".md": _plain, ".csv": _plain}
