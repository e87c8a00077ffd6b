"""A minimal streaming tar reader: ustar, GNU and pax headers, long names, data skipped or CRC-32'd in large reads.

tarfile's stream mode reads 10 KiB at a time and builds a TarInfo (with its own pax and GNU machinery)
per member; here a member costs one 512-byte header, a few slices and one checksum, and its data is
skipped without being touched or fed to zlib.crc32 straight from the chunks the stream delivers."""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ..core.layerfiles import DIR, FILE, HARDLINK, MAX_ENTRIES, MAX_PATH, OTHER, SYMLINK, FilesError

BLOCK = 512
READ = 1 << 20              # bytes decompressed, or CRC-32'd, per call (at least 256 KiB: few Python steps per MiB)
COALESCE = 256 << 10         # a stream's chunks smaller than this are joined up to it
MAX_EXTENDED = 1 << 20      # bytes of one pax header or GNU long name / long link
MAX_EXTENDED_RUN = 16       # extended headers in a row before a member
ZERO_BLOCK = bytes(BLOCK)
_SPACES = b" " * 8

# typeflag → entry type; an unknown flag is a regular file, as POSIX says (and tarfile does).
_KINDS = {b"0": FILE, b"\0": FILE, b"7": FILE, b"1": HARDLINK, b"2": SYMLINK, b"3": OTHER, b"4": OTHER,
          b"5": DIR, b"6": OTHER, b"D": DIR}
_EXTENDED = (b"x", b"g", b"L", b"K")
GZIP_MAGIC = b"\x1f\x8b"
# Magic numbers of the compressions a layer blob may use that this reader does not decompress.
OTHER_COMPRESSIONS = ((b"\x28\xb5\x2f\xfd", "zstd"), (b"\xfd7zXZ\x00", "xz"), (b"BZh", "bzip2"),
                      (b"\x04\x22\x4d\x18", "lz4"))


def short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a one-line message."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- Sources: a byte stream read forward only -------------------------------------------------------
#
# piece(limit) hands out up to ``limit`` bytes as they lie in the stream's own buffer (a memoryview,
# no copy; empty at the end); read(n) copies a few bytes (headers); skip(n) and crc(n) pass over data
# in the largest pieces available.  ``offset`` counts the bytes consumed.

class Source:
    """A forward-only byte stream (see the comment above)."""

    offset: int = 0

    def piece(self, limit: int) -> memoryview | bytes:  # pragma: no cover - abstract
        """Up to ``limit`` bytes (at least one unless the stream has ended)."""
        raise NotImplementedError

    def read(self, n: int) -> bytes:
        """``n`` bytes, or fewer when the stream ends first."""
        out = bytearray()
        while len(out) < n:
            p = self.piece(n - len(out))
            if not p:
                break
            out += p
        return bytes(out)

    def skip(self, n: int) -> int:
        """Pass over ``n`` bytes; how many there were."""
        done = 0
        while done < n:
            p = self.piece(min(n - done, READ))
            if not p:
                break
            done += len(p)
        return done

    def crc(self, n: int) -> tuple[int, int]:
        """CRC-32 of the next ``n`` bytes and how many there were."""
        crc, done = 0, 0
        crc32 = zlib.crc32
        while done < n:
            p = self.piece(min(n - done, READ))
            if not p:
                break
            crc = crc32(p, crc)
            done += len(p)
        return crc, done

    def peek(self, n: int) -> bytes:
        """Up to ``n`` bytes without consuming them (only the outer stream and its members can)."""
        raise NotImplementedError


class BufferedSource(Source):
    """A source whose bytes arrive in buffers (the stream's chunks, or inflated pieces): ``_fill`` makes the
    next one current; reads that lie in the current buffer cost one slice."""

    def __init__(self) -> None:
        self._mv = memoryview(b"")
        self._pos = self._len = 0
        self.offset = 0

    def _fill(self) -> bool:  # pragma: no cover - abstract
        """Make the next non-empty buffer current; False at the end."""
        raise NotImplementedError

    def _set(self, data: bytes | memoryview) -> None:
        """Make ``data`` the current buffer."""
        self._mv, self._pos, self._len = memoryview(data).cast("B"), 0, len(data)

    def piece(self, limit: int) -> memoryview | bytes:
        """Up to ``limit`` bytes of the current buffer (the next one when it is used up)."""
        if self._pos == self._len and not self._fill():
            return b""
        pos = self._pos
        end = min(pos + limit, self._len)
        self._pos = end
        self.offset += end - pos
        return self._mv[pos:end]

    def read(self, n: int) -> bytes:
        """``n`` bytes (fewer at the end); a header lies in one buffer nearly always."""
        pos = self._pos
        if self._len - pos >= n:
            self._pos = pos + n
            self.offset += n
            return self._mv[pos:pos + n].tobytes()
        return Source.read(self, n)

    def crc(self, n: int) -> tuple[int, int]:
        """CRC-32 of the next ``n`` bytes: one zlib call when they lie in the current buffer."""
        pos = self._pos
        if self._len - pos >= n:
            self._pos = pos + n
            self.offset += n
            return zlib.crc32(self._mv[pos:pos + n]), n
        return Source.crc(self, n)

    def skip(self, n: int) -> int:
        """Pass over ``n`` bytes without touching them."""
        pos = self._pos
        if self._len - pos >= n:
            self._pos = pos + n
            self.offset += n
            return n
        done = 0
        while done < n:
            if self._pos == self._len and not self._fill():
                break
            k = min(n - done, self._len - self._pos)
            self._pos += k
            done += k
        self.offset += done
        return done

    def peek(self, n: int) -> bytes:
        """Up to ``n`` bytes ahead, joining the next buffers into the current one when needed."""
        while self._len - self._pos < n:
            rest = self._mv[self._pos:].tobytes()
            if not self._fill():
                self._set(rest)
                break
            self._set(rest + self._mv.tobytes())
        return self._mv[self._pos:self._pos + n].tobytes()


class ChunkSource(BufferedSource):
    """The bytes of an iterable of chunks; ``on_chunk(len)`` is called as each chunk arrives.

    Chunks smaller than COALESCE are joined until they make that much, so data is still skipped and
    CRC-32'd in big steps when a stream delivers it in small pieces."""

    def __init__(self, chunks: Iterable[bytes], on_chunk: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self._it = iter(chunks)
        self._on_chunk = on_chunk

    def _fill(self) -> bool:
        """Make the next chunk (or the next small ones joined) current; False at the end."""
        parts: list[bytes] = []
        size = 0
        for chunk in self._it:
            if not chunk:
                continue
            if self._on_chunk is not None:
                self._on_chunk(len(chunk))
            if not parts and len(chunk) >= COALESCE:
                self._set(chunk)
                return True
            parts.append(chunk)
            size += len(chunk)
            if size >= COALESCE:
                break
        if not parts:
            return False
        self._set(b"".join(parts))
        return True


class MemberSource(Source):
    """The ``size`` data bytes of one member of an enclosing stream; ends short → FilesError naming ``what``."""

    def __init__(self, parent: Source, size: int, what: str) -> None:
        self.parent, self.size, self.remaining, self.what = parent, size, size, what

    @property
    def offset(self) -> int:  # type: ignore[override]
        """Bytes of the member consumed."""
        return self.size - self.remaining

    def _short(self) -> FilesError:
        return FilesError(f"{self.what} is cut short: {self.remaining:,} of its {self.size:,} bytes are missing")

    def piece(self, limit: int) -> memoryview | bytes:
        """Up to ``limit`` bytes of the member."""
        if not self.remaining:
            return b""
        p = self.parent.piece(min(limit, self.remaining))
        if not p:
            raise self._short()
        self.remaining -= len(p)
        return p

    def read(self, n: int) -> bytes:
        """``n`` bytes of the member (fewer at its end)."""
        want = min(n, self.remaining)
        out = self.parent.read(want)
        self.remaining -= len(out)
        if len(out) < want:
            raise self._short()
        return out

    def skip(self, n: int) -> int:
        """Pass over ``n`` bytes of the member."""
        want = min(n, self.remaining)
        done = self.parent.skip(want)
        self.remaining -= done
        if done < want:
            raise self._short()
        return done

    def crc(self, n: int) -> tuple[int, int]:
        """CRC-32 of the next ``n`` bytes of the member."""
        want = min(n, self.remaining)
        crc, done = self.parent.crc(want)
        self.remaining -= done
        if done < want:
            raise self._short()
        return crc, done

    def peek(self, n: int) -> bytes:
        """Up to ``n`` bytes of the member ahead, not consumed."""
        return self.parent.peek(min(n, self.remaining))


class GzipSource(BufferedSource):
    """The decompressed bytes of a gzip stream (concatenated members too), at most READ bytes per step,
    so a small blob that inflates enormously never sits in memory whole."""

    def __init__(self, parent: Source, what: str) -> None:
        super().__init__()
        self.parent, self.what = parent, what
        self._d = zlib.decompressobj(31)
        self._ended = False

    def _fill(self) -> bool:
        """Decompress the next piece; False at the end of the gzip data."""
        d = self._d
        try:
            while not self._ended:
                if d.unconsumed_tail:
                    out = d.decompress(d.unconsumed_tail, READ)
                elif d.eof:
                    rest = d.unused_data or self.parent.piece(READ)
                    if bytes(rest[:2]) != GZIP_MAGIC:
                        self._ended = True  # (anything after the gzip data but another member is not ours)
                        break
                    self._d = d = zlib.decompressobj(31)
                    out = d.decompress(rest, READ)
                else:
                    inp = self.parent.piece(READ)
                    if not inp:
                        raise FilesError(f"{self.what} is cut short inside its gzip data")
                    out = d.decompress(inp, READ)
                if out:
                    self._set(out)
                    return True
        except zlib.error as exc:
            raise FilesError(f"{self.what} is not valid gzip data: {exc}") from None
        return False


# --- Headers ----------------------------------------------------------------------------------------

@dataclass(slots=True)
class Member:
    """One tar member: normalised path, entry type, data size, permission bits, link target (as stored)."""

    path: str
    type: str
    size: int
    mode: int
    link: str
    typeflag: bytes


def _number(field: bytes, what: str) -> int:
    """A numeric header field: octal text, or base-256 (high bit set) as GNU and pax writers use for big values."""
    if field[0] & 0x80:
        if field[0] == 0xFF:
            raise FilesError(f"{what}: a negative number in a tar header")
        return int.from_bytes(bytes([field[0] & 0x7F]) + field[1:], "big")
    text = field.split(b"\0", 1)[0].strip()
    try:
        return int(text, 8) if text else 0
    except ValueError:
        raise FilesError(f"{what}: not a tar header (bad number {short(repr(text), 30)})") from None


def _checksum_ok(block: bytes, stored: int) -> bool:
    """The header checksum: the byte sum with the checksum field as spaces (unsigned, or signed as old tars).

    zlib.adler32's low half is 1 + that sum modulo 65521, a C-speed first test; only a mismatch is summed
    byte by byte."""
    a = zlib.adler32(_SPACES, zlib.adler32(block[:148]))
    a = zlib.adler32(block[156:], a)
    if ((a & 0xFFFF) - 1) % 65521 == stored % 65521:
        return True
    unsigned = sum(block[:148]) + 256 + sum(block[156:])
    signed = unsigned - 256 * sum(1 for b in block[:148] + block[156:] if b >= 128)
    return stored in (unsigned, signed)


def looks_like_tar(head: bytes) -> bool:
    """True when ``head`` starts like a tar stream: a header whose checksum matches, or the end marker."""
    if len(head) < BLOCK:
        return False
    block = head[:BLOCK]
    if block == ZERO_BLOCK:
        return True
    try:
        return _checksum_ok(block, _number(block[148:156], ""))
    except FilesError:
        return False


def _text(raw: bytes) -> str:
    """Header bytes as text: UTF-8, other bytes kept visible as ``\\xNN`` (never an exception)."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _pax(data: bytes, what: str) -> dict[bytes, bytes]:
    """The records of a pax extended header: ``"%d %s=%s\\n"`` each."""
    out: dict[bytes, bytes] = {}
    pos, end = 0, len(data)
    while pos < end:
        if data[pos] == 0:
            break           # (NUL padding after the last record)
        sp = data.find(b" ", pos, pos + 21)
        try:
            length = int(data[pos:sp]) if sp > pos else 0
        except ValueError:
            length = 0
        if length <= sp - pos or pos + length > end or data[pos + length - 1] != 0x0A:
            raise FilesError(f"{what}: a malformed pax header record")
        key, eq, value = data[sp + 1:pos + length - 1].partition(b"=")
        if not eq:
            raise FilesError(f"{what}: a malformed pax header record")
        out[key] = value
        pos += length
    return out


def normal_path(name: str, what: str) -> str:
    """A member name as a layer path: no leading ``./`` or ``/``, no ``.`` or empty parts; ``..`` or NUL refused."""
    if name[:1] in "./" or name[-1:] == "/" or "/." in name or "//" in name:
        parts = [p for p in name.split("/") if p and p != "."]
        if ".." in parts:
            raise FilesError(f"{what}: the member {short(name)!r} leaves the archive (a '..' in its path)")
        name = "/".join(parts)
    if "\0" in name:
        raise FilesError(f"{what}: a member name holds a NUL character")
    if len(name) > MAX_PATH:
        raise FilesError(f"{what}: a member name is longer than {MAX_PATH} characters")
    return name


# A member is read in three steps: its header block (checked, numbers decoded), any extended
# headers before it (pax 'x'/'g' records and GNU 'L'/'K' long names, each at most MAX_EXTENDED
# bytes and MAX_EXTENDED_RUN in a row) that override its path, link and size, then its data,
# which the caller consumes in part or not at all: whatever is left, and the padding to the next
# block, is skipped when the caller asks for the next member.  The archive ends at a zero block;
# ``require_end`` refuses a stream that simply stops (a daemon gone mid-stream may stop on a block
# boundary), while a member's tar may end without one (its size says where it ends).
# (The loop is the hot path of indexing — one turn per file of every layer — so it keeps to local
# names, decodes the common octal fields with one int() and words its errors only when it fails.)
def members(src: Source, what: str, *, require_end: bool = False,
            max_members: int = MAX_ENTRIES) -> Iterator[Member]:
    """The members of the tar stream ``src``, in order; malformed or truncated → FilesError naming ``what``."""
    count = 0
    pax: dict[bytes, bytes] = {}
    long_name = long_link = None
    run = 0
    read, skip = src.read, src.skip
    adler32, kinds = zlib.adler32, _KINDS
    while True:
        start = src.offset
        block = read(BLOCK)
        if len(block) < BLOCK:
            if not block and not require_end:
                return
            raise FilesError(f"{what} is cut short at byte {start + len(block):,}: the tar stream ends early")
        if block == ZERO_BLOCK:
            return
        try:
            size = int(block[124:136].rstrip(b"\0 "), 8)
            stored = int(block[148:156].rstrip(b"\0 "), 8)
            if size < 0:
                raise ValueError
        except ValueError:
            size = _number(block[124:136], _where(what, start))
            stored = _number(block[148:156], _where(what, start))
        a = adler32(block[156:], adler32(_SPACES, adler32(block[:148])))
        if ((a & 0xFFFF) - 1) % 65521 != stored % 65521 and not _checksum_ok(block, stored):
            raise FilesError(f"{_where(what, start)}: not a tar header (its checksum does not match)")
        flag = block[156:157]
        if flag in _EXTENDED:
            run += 1
            where = _where(what, start)
            if run > MAX_EXTENDED_RUN:
                raise FilesError(f"{where}: more than {MAX_EXTENDED_RUN} extended headers in a row")
            if size > MAX_EXTENDED:
                raise FilesError(f"{where}: an extended header of {size:,} bytes (at most {MAX_EXTENDED:,})")
            data = read(size)
            if len(data) < size or skip(-size % BLOCK) < -size % BLOCK:
                raise FilesError(f"{what} is cut short inside an extended header")
            if flag == b"x":
                pax.update(_pax(data, where))
            elif flag == b"L":
                long_name = data.split(b"\0", 1)[0]
            elif flag == b"K":
                long_link = data.split(b"\0", 1)[0]
            # ('g' global headers set defaults for the whole archive; none of ours — path, linkpath,
            # size — make sense archive-wide, so they are read and left aside)
            continue
        run = 0
        if pax or long_name is not None or long_link is not None:
            if b"size" in pax:
                try:
                    size = int(pax[b"size"])
                except ValueError:
                    size = -1
                if size < 0:
                    raise FilesError(f"{_where(what, start)}: a pax size that is not a size")
            raw_name = pax.get(b"path", long_name)
            raw_link = pax.get(b"linkpath", long_link)
            pax, long_name, long_link = {}, None, None
        else:
            raw_name = raw_link = None
        extended = raw_name is not None         # (a pax or GNU name may hold anything: checked in full)
        if raw_name is None:
            raw_name = block[:100].split(b"\0", 1)[0]
            if block[345] and block[257:263] == b"ustar\x00":     # POSIX ustar: prefix/name
                raw_name = block[345:500].split(b"\0", 1)[0] + b"/" + raw_name
        if raw_link is None:
            raw_link = block[157:257].split(b"\0", 1)[0]
        try:
            name = raw_name.decode()
        except UnicodeDecodeError:
            name = _text(raw_name)
        kind = kinds.get(flag, FILE)
        if kind == FILE and flag in (b"0", b"\0") and name.endswith("/"):
            kind = DIR          # (pre-POSIX tars mark a directory by its trailing slash)
        elif flag == b"V":      # (a GNU volume label names no file)
            if skip(size + (-size % BLOCK)) < size:
                raise FilesError(f"{what} is cut short inside the data of a member")
            continue
        count += 1
        if count > max_members:
            raise FilesError(f"{what} holds more than {max_members:,} members")
        link = _text(raw_link) if raw_link else ""
        if link and ("\0" in link or len(link) > MAX_PATH):
            raise FilesError(f"{_where(what, start)}: a link target with a NUL or longer than {MAX_PATH} characters")
        if extended or name[:1] in "./" or name[-1:] == "/" or "/." in name or "//" in name:
            name = normal_path(name, what)
        try:
            mode = int(block[100:108].rstrip(b"\0 "), 8) & 0o7777
        except ValueError:
            mode = _number(block[100:108], _where(what, start)) & 0o7777
        end = src.offset + size
        yield Member(name, kind, size, mode, link, flag)
        left = end - src.offset + (-size % BLOCK)
        if left and skip(left) < left:
            raise FilesError(f"{what} is cut short inside the data of a member")


def _where(what: str, offset: int) -> str:
    """Where in a stream a problem lies, for its one-line message."""
    return f"{what}, byte {offset:,}"
