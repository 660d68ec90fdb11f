"""Text encodings of the files users hand in: BOMs, UTF-8, GBK/GB18030, and dBASE files.

Chinese institutes export GBK as often as UTF-8, with or without a byte-order mark, and a
Shapefile's ``.cpg`` may claim UTF-8 over a GBK ``.dbf``. :func:`decode` turns the bytes of a
text file into text (declared encoding first, then the BOM, then UTF-8, then GB18030) and
names the file and line that cannot be decoded. :func:`dbf_encoding` decides a ``.dbf``'s
encoding from its bytes, and :func:`repair_dbf_names` mends field names that a writer cut in
the middle of a UTF-8 character (dBASE keeps 10 bytes of a name).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from baseline.errors import ReadError, Text

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
FALLBACK = "gb18030"
_UTF8_NAMES = {"utf-8", "utf8", "65001", "utf_8"}
_NAME_BYTES = 11


def check_encoding(name: str) -> str:
    """Return ``name`` when Python knows the encoding, else raise a ReadError saying so."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        msg = f"--encoding '{name}' is not a known encoding, try utf-8, gbk or gb18030"
        zh = f"--encoding“{name}”不是已知的编码，请试用 utf-8、gbk 或 gb18030"
        raise ReadError(msg, zh=zh) from None


def sniff(raw: bytes, declared: str | None = None) -> str:
    """The encoding of ``raw``: the declared one, a BOM's, UTF-8 when it decodes, else GB18030."""
    if declared:
        return check_encoding(declared)
    for bom, name in BOMS:
        if raw.startswith(bom):
            return name
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return FALLBACK
    return "utf-8"


def _line_of(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def decode(raw: bytes, label: str, declared: str | None = None) -> str:
    """Decode the bytes of a text file, naming the file and line when they cannot be.

    Raises
    ------
    ReadError
        When the bytes are not text in the declared (or detected) encoding.
    """
    encoding = sniff(raw, declared)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(raw, exc.start)
        msg = (
            f"{label}: line {line} is not {encoding} text (byte {raw[exc.start]:#04x}); "
            "save the file as UTF-8, or say its encoding with --encoding (for example gbk)"
        )
        zh = (
            f"{label}：第 {line} 行不是 {encoding} 编码的文字（字节 {raw[exc.start]:#04x}）；"
            "请另存为 UTF-8，或用 --encoding 指明编码（例如 gbk）"
        )
        raise ReadError(msg, zh=zh) from None


# --------------------------------------------------------------------------------------------
# dBASE (.dbf) files of Shapefiles


@dataclass(frozen=True)
class DbfLayout:
    """Where the header, field names and records of a ``.dbf`` lie."""

    records: int
    header: int
    record: int

    @classmethod
    def of(cls, raw: bytes) -> DbfLayout:
        """Read the layout from the first 12 bytes (zeros when the file is too short)."""
        if len(raw) < 12:
            return cls(0, len(raw), 1)
        return cls(
            int.from_bytes(raw[4:8], "little"),
            int.from_bytes(raw[8:10], "little"),
            max(int.from_bytes(raw[10:12], "little"), 1),
        )

    def name_slots(self) -> list[int]:
        """Byte offsets of each field descriptor's name."""
        return list(range(32, max(self.header - 1, 32), 32))


def cpg_encoding(shp: Path) -> str | None:
    """The encoding a ``.cpg`` beside ``shp`` names, or None without one."""
    for suffix in (".cpg", ".CPG"):
        cpg = shp.with_suffix(suffix)
        if cpg.exists():
            return cpg.read_text("latin-1").strip() or None
    return None


def first_bad_record(raw: bytes, encoding: str) -> int | None:
    """The 1-based number of the first record whose text is not ``encoding``, or None."""
    layout = DbfLayout.of(raw)
    for k in range(layout.records):
        start = layout.header + k * layout.record
        try:
            raw[start : start + layout.record].decode(encoding)
        except UnicodeDecodeError:
            return k + 1
    return None


def dbf_encoding(dbf: bytes, cpg: str | None) -> tuple[str | None, Text | None]:
    """(encoding to read with, note) for a ``.dbf``: a ``.cpg`` saying UTF-8 over GBK is mended.

    None means "let GDAL follow the ``.cpg`` (or the ASCII bytes)".
    """
    body = dbf[DbfLayout.of(dbf).header :]
    if body.isascii():
        return None, None
    utf8 = first_bad_record(dbf, "utf-8") is None
    if cpg is None:
        return ("UTF-8" if utf8 else "GB18030"), None
    if cpg.strip().lower() in _UTF8_NAMES and not utf8:
        return "GB18030", Text(
            f"the .cpg says {cpg} but the text is not UTF-8; read as GB18030",
            f".cpg 文件标明 {cpg}，但文字不是 UTF-8；已按 GB18030 读取",
        )
    return None, None


def repair_dbf_names(raw: bytes) -> tuple[bytes, list[str]]:
    """Mend field names cut in the middle of a UTF-8 character; return them as mended.

    A name whose bytes end inside a multi-byte character loses that partial character.
    Names in other encodings are left as they are.
    """
    layout = DbfLayout.of(raw)
    data = bytearray(raw)
    mended = []
    for offset in layout.name_slots():
        name = bytes(data[offset : offset + _NAME_BYTES]).split(b"\x00", 1)[0]
        if not name or name.isascii():
            continue
        text = name.decode("utf-8", errors="ignore")
        if text.encode("utf-8") != name and _is_cut_utf8(name):
            fixed = text.encode("utf-8")
            data[offset : offset + _NAME_BYTES] = fixed.ljust(_NAME_BYTES, b"\x00")
            mended.append(text)
    return bytes(data), mended


def _is_cut_utf8(name: bytes) -> bool:
    """True when ``name`` is valid UTF-8 except for an incomplete last character."""
    for cut in range(1, 4):
        if name[len(name) - cut] < 0xC0:
            continue
        try:
            name[:-cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False
