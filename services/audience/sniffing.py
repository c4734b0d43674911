"""Step A of UC-CP-06: guess how an uploaded CSV is written (encoding, separator, header).

Only a bounded sample is read. When the separator is a guess, `confident` is False and the
UI asks the user to choose it (flow A2).
"""

import codecs
import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from services.audience.errors import ImportFileError
from services.audience.mapping import field_for_label

SAMPLE_BYTES = 64 * 1024
SAMPLE_ROWS = 50
DELIMITERS = (",", ";", "\t", "|")
# Files come from French-speaking offices: a free guess between every code page names
# "Hélène" in Czech cp1250, so only the Western legacy encodings compete, cp1252 first.
LEGACY_ENCODINGS = ("cp1252", "iso8859_15", "latin_1", "cp850", "mac_roman")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass(frozen=True)
class CsvLayout:
    encoding: str
    delimiter: str
    has_header: bool
    confident: bool = True


def sniff_csv(path: str | Path, sample_bytes: int = SAMPLE_BYTES) -> CsvLayout:
    with open(path, "rb") as file:
        sample = file.read(sample_bytes + 1)
    return sniff_sample(sample[:sample_bytes], complete=len(sample) <= sample_bytes)


def sniff_sample(sample: bytes, complete: bool = True) -> CsvLayout:
    encoding = detect_encoding(sample, complete)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=complete)
    lines = [line for line in text.splitlines() if line.strip()]
    if not complete:
        lines = lines[:-1]  # the sample cuts the last line short
    delimiter, confident = detect_delimiter(lines[:SAMPLE_ROWS])
    rows = list(csv.reader(lines[:SAMPLE_ROWS], delimiter=delimiter))
    return CsvLayout(encoding, delimiter, looks_like_header(rows), confident)


def detect_encoding(sample: bytes, complete: bool = True) -> str:
    """A Python codec name; UTF-8 whenever the bytes are valid UTF-8."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    if not sample.strip():
        raise ImportFileError("Le fichier est vide.")
    if len(_CONTROL_BYTES.findall(sample)) > len(sample) // 100:
        raise ImportFileError(
            "Ce fichier n'est pas un fichier texte (CSV) ni un classeur Excel (.xlsx) lisible."
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(sample):
        raise ImportFileError(
            "Le fichier mélange plusieurs encodages (UTF-8 et Windows-1252) : "
            "réenregistrez-le en « CSV UTF-8 » puis réessayez."
        )
    return _best_legacy_encoding(sample)


def _best_legacy_encoding(sample: bytes) -> str:
    best = charset_normalizer.from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    encoding = best.encoding if best is not None else "latin_1"
    if encoding in ("latin_1", "iso8859_15") and _decodes(sample, "cp1252"):
        return "cp1252"  # a superset for text: also has the € and typographic quotes
    return encoding


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def detect_delimiter(lines: list[str]) -> tuple[str, bool]:
    """The separator that splits every line into the same number (>= 2) of columns.

    Confident only when exactly one candidate does so.
    """
    scores = {delimiter: _consistency(lines, delimiter) for delimiter in DELIMITERS}
    consistent = [d for d, (share, width) in scores.items() if width >= 2 and share >= 0.9]
    if consistent:
        best = max(consistent, key=lambda d: scores[d])
        return best, len(consistent) == 1
    splitting = [d for d, (share, width) in scores.items() if width >= 2]
    return (max(splitting, key=lambda d: scores[d]) if splitting else ","), False


def _consistency(lines: list[str], delimiter: str) -> tuple[float, int]:
    """(share of lines having the most common width, that width)."""
    widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter))
    if not widths:
        return 0.0, 0
    width, count = widths.most_common(1)[0]
    return count / len(lines), width


def looks_like_header(rows: list[list[str]]) -> bool:
    """A known column name, or labels above columns of phone numbers, e-mails or ids."""
    if not rows:
        return False
    first, rest = rows[0], rows[1:]
    if any(field_for_label(cell) for cell in first):
        return True
    if any(_looks_like_value(cell) for cell in first):
        return False
    return any(_looks_like_value(cell) for row in rest for cell in row[: len(first)])


def _looks_like_value(cell: str) -> bool:
    return "@" in cell or sum(char.isdigit() for char in cell) >= 6
