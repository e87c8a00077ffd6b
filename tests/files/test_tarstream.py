"""The streaming tar reader: every header flavour docker and other writers use, hostile and truncated input."""
from __future__ import annotations

import gzip
import io
import tarfile
import zlib

import pytest

from archives import ZERO_CHUNK, D, F, H, S, layer_tar
from model.core.layerfiles import DIR, FILE, HARDLINK, MAX_PATH, OTHER, SYMLINK, FilesError
from model.files import tarstream
from model.files.archive import layer_entries
from model.files.tarstream import BLOCK, READ, ChunkSource, GzipSource, MemberSource, members


def read_all(data: bytes, chunk: int = 1 << 20, **kw) -> list[tarstream.Member]:
    """Every member of ``data`` fed in chunks of ``chunk`` bytes, their data skipped."""
    src = ChunkSource(data[i:i + chunk] for i in range(0, len(data), chunk))
    return list(members(src, "the test tar", **kw))


def header(info: tarfile.TarInfo, fmt: int) -> bytes:
    """The header blocks tarfile writes for ``info`` in format ``fmt``."""
    return info.tobuf(fmt, "utf-8", "surrogateescape")


def big_member_stream(fmt: int, size: int) -> tuple[bytes, list[bytes]]:
    """(header, chunks) of an archive: one zero-filled file of ``size`` bytes, then a small file, then the end."""
    info = tarfile.TarInfo("huge.img")
    info.size = size
    after = tarfile.TarInfo("after.txt")
    after.size = 5
    tail = bytes(-size % BLOCK) + header(after, fmt) + b"hello" + bytes(BLOCK - 5) + bytes(2 * BLOCK)
    chunks = [header(info, fmt)]
    left = size
    while left:
        chunks.append(ZERO_CHUNK[:min(left, len(ZERO_CHUNK))])
        left -= len(chunks[-1])
    return tail, chunks + [tail]


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT])
def test_sizes_over_8_gib_pax_and_base_256(fmt):
    size = 9 * 2**30 + 7         # over ustar's 8 GiB: a pax "size" record, or GNU base-256
    _, chunks = big_member_stream(fmt, size)
    if fmt == tarfile.GNU_FORMAT:
        assert chunks[0][124] & 0x80, "tarfile wrote no base-256 size"
    else:
        assert b" size=" in chunks[0]
    src = ChunkSource(chunks)
    got = [(m.path, m.size) for m in members(src, "t")]
    assert got == [("huge.img", size), ("after.txt", 5)]
    assert src.offset == sum(map(len, chunks)) - BLOCK     # (the first zero block ends the archive)


def test_pax_long_path_and_link():
    long_dir = "/".join(["a" * 50] * 6)            # 305 characters: beyond ustar's name and prefix
    target = "t/" + "b" * 200
    data = layer_tar([D(long_dir), F(f"{long_dir}/file", b"x"), S(f"{long_dir}/link", target),
                      H(f"{long_dir}/hard", f"{long_dir}/file")], fmt=tarfile.PAX_FORMAT)
    got = [(m.path, m.type, m.size, m.link) for m in read_all(data)]
    assert got == [(long_dir, DIR, 0, ""), (f"{long_dir}/file", FILE, 1, ""),
                   (f"{long_dir}/link", SYMLINK, 0, target), (f"{long_dir}/hard", HARDLINK, 0, f"{long_dir}/file")]


def test_gnu_longname_and_longlink():
    name = "d/" + "n" * 150
    target = "/" + "l" * 150
    data = layer_tar([F(name, b"abc"), S("d/s", target)], fmt=tarfile.GNU_FORMAT)
    assert b"././@LongLink" in data
    got = [(m.path, m.size, m.link) for m in read_all(data)]
    assert got == [(name, 3, ""), ("d/s", 0, target)]


def test_ustar_prefix():
    name = "p" * 90 + "/" + "q" * 60 + "/file.txt"      # 160 characters: split into prefix and name
    data = layer_tar([F(name, b"12345")], fmt=tarfile.USTAR_FORMAT)
    assert data[345:350] == b"ppppp", "tarfile did not use the prefix field"
    assert [(m.path, m.size) for m in read_all(data)] == [(name, 5)]


def test_types_modes_and_old_style_directory():
    fifo = tarfile.TarInfo("run/fifo")
    fifo.type = tarfile.FIFOTYPE
    dev = tarfile.TarInfo("dev/null")
    dev.type = tarfile.CHRTYPE
    old_dir = tarfile.TarInfo("olddir/")        # a v7 tar's directory: a regular type with a trailing slash
    old_dir.type = tarfile.AREGTYPE
    sticky = tarfile.TarInfo("tmp")
    sticky.type, sticky.mode = tarfile.DIRTYPE, 0o1777
    data = b"".join(header(i, tarfile.USTAR_FORMAT) for i in (fifo, dev, old_dir, sticky)) + bytes(1024)
    got = [(m.path, m.type, m.mode) for m in read_all(data)]
    assert got == [("run/fifo", OTHER, 0o644), ("dev/null", OTHER, 0o644), ("olddir", DIR, 0o644),
                   ("tmp", DIR, 0o1777)]


@pytest.mark.parametrize("raw, normal", [("./a/b", "a/b"), ("/abs/x", "abs/x"), ("a//b/./c", "a/b/c"),
                                         ("dir/", "dir"), ("./", ""), (".hidden/.x", ".hidden/.x"),
                                         ("a/..b/c..", "a/..b/c..")])
def test_paths_are_normalised(raw, normal):
    info = tarfile.TarInfo(raw)
    data = header(info, tarfile.PAX_FORMAT) + bytes(1024)
    assert [m.path for m in read_all(data)] == [normal]


@pytest.mark.parametrize("raw", ["../etc/passwd", "a/../../b", "a/b/.."])
def test_dot_dot_is_refused(raw):
    data = header(tarfile.TarInfo(raw), tarfile.PAX_FORMAT) + bytes(1024)
    with pytest.raises(FilesError, match="leaves the archive"):
        read_all(data)


def test_nul_in_a_pax_path_is_refused():
    record = b"path=a\x00b\n"
    record = str(len(record) + 3).encode() + b" " + record
    pax = tarfile.TarInfo("PaxHeaders/x")
    pax.type, pax.size = tarfile.XHDTYPE, len(record)
    data = (header(pax, tarfile.USTAR_FORMAT) + record + bytes(-len(record) % BLOCK)
            + header(tarfile.TarInfo("x"), tarfile.USTAR_FORMAT) + bytes(1024))
    with pytest.raises(FilesError, match="NUL"):
        read_all(data)


def test_a_path_over_the_limit_is_refused():
    data = layer_tar([F("d/" + "x" * (MAX_PATH + 10), b"")])
    with pytest.raises(FilesError, match=f"longer than {MAX_PATH}"):
        read_all(data)


def test_member_count_is_bounded():
    data = layer_tar([F(f"f{n}") for n in range(20)])
    assert len(read_all(data, max_members=20)) == 20
    with pytest.raises(FilesError, match="more than 19 members"):
        read_all(data, max_members=19)


def test_pax_header_size_is_capped():
    pax = tarfile.TarInfo("PaxHeaders/x")
    pax.type, pax.size = tarfile.XHDTYPE, tarstream.MAX_EXTENDED + 1
    data = header(pax, tarfile.USTAR_FORMAT) + bytes(4096)
    with pytest.raises(FilesError, match="extended header of"):
        read_all(data)


def test_extended_headers_in_a_row_are_capped():
    record = b"19 comment=0123456\n"
    pax = tarfile.TarInfo("PaxHeaders/x")
    pax.type, pax.size = tarfile.XHDTYPE, len(record)
    one = header(pax, tarfile.USTAR_FORMAT) + record + bytes(-len(record) % BLOCK)
    with pytest.raises(FilesError, match="extended headers in a row"):
        read_all(one * (tarstream.MAX_EXTENDED_RUN + 1) + bytes(1024))
    assert [m.path for m in read_all(one * 3 + header(tarfile.TarInfo("ok"), 0) + bytes(1024))] == ["ok"]


def test_malformed_pax_record_is_refused():
    record = b"99 path=x\n"
    pax = tarfile.TarInfo("PaxHeaders/x")
    pax.type, pax.size = tarfile.XHDTYPE, len(record)
    data = header(pax, tarfile.USTAR_FORMAT) + record + bytes(-len(record) % BLOCK) + bytes(1024)
    with pytest.raises(FilesError, match="malformed pax"):
        read_all(data)


def test_signed_checksum_of_old_writers_is_accepted():
    block = bytearray(header(tarfile.TarInfo("caf\xe9"), tarfile.USTAR_FORMAT))
    block[148:156] = b" " * 8
    signed = sum(b - 256 if b >= 128 else b for b in block)
    assert signed != sum(block)
    block[148:156] = b"%06o\x00 " % signed
    assert [m.path for m in read_all(bytes(block) + bytes(1024))] == ["café"]


@pytest.mark.parametrize("cut", [100, 512, 700, 1024, 1536])
def test_truncated_stream_is_one_line(cut):
    data = layer_tar([F("a", b"x" * 600), F("b", b"y")])
    with pytest.raises(FilesError) as err:
        read_all(data[:cut], require_end=True)
    assert "\n" not in str(err.value) and "cut short" in str(err.value)


def test_a_layer_tar_may_end_without_its_marker_but_not_mid_member():
    data = layer_tar([F("a", b"x" * 600)])
    assert [m.path for m in read_all(data[:2 * BLOCK + 512])] == ["a"]      # header + data + padding
    with pytest.raises(FilesError, match="cut short"):
        read_all(data[:BLOCK + 300])


@pytest.mark.parametrize("garbage", [b"\x00" * 100 + b"hello world" * 100, bytes(range(256)) * 8,
                                     b"not a tar at all " * 64])
def test_garbage_is_one_line(garbage):
    with pytest.raises(FilesError) as err:
        read_all(garbage)
    assert "\n" not in str(err.value) and "not a tar header" in str(err.value)


@pytest.mark.parametrize("chunk", [1, 7, 511, 512, 513, 4096, 1 << 20])
def test_chunk_boundaries_do_not_matter(chunk):
    files = [F(f"dir/{n}", bytes([n]) * (n * 97)) for n in range(30)]
    data = layer_tar([D("dir")] + files + [S("dir/s", "0"), H("dir/h", "dir/1")])
    src = ChunkSource(data[i:i + chunk] for i in range(0, len(data), chunk))
    entries = layer_entries(src, "t")
    assert [(e.path, e.size, e.crc) for e in entries if e.type == FILE] == \
        [(m.path, len(m.data), zlib.crc32(m.data)) for m in files]
    assert [e.type for e in entries[-2:]] == [SYMLINK, HARDLINK]


@pytest.mark.parametrize("chunk", [1 << 20, 8 << 10])
def test_data_is_crc32d_and_skipped_in_big_reads(monkeypatch, chunk):
    """A 5 MiB file costs one zlib.crc32 call per 256 KiB or more, never 10 KiB steps — even when the
    stream delivers 8 KiB chunks (they are joined)."""
    calls: list[int] = []
    real = zlib.crc32

    def counting(data, value=0):
        calls.append(len(data))
        return real(data, value)

    payload = bytes(range(256)) * (5 * 4096 + 3)
    data = layer_tar([F("big", payload)])
    monkeypatch.setattr(tarstream.zlib, "crc32", counting)
    src = ChunkSource(data[i:i + chunk] for i in range(0, len(data), chunk))
    entries = layer_entries(src, "t")
    assert entries[0].crc == real(payload)
    assert len(calls) <= len(payload) // (256 << 10) + 2 and all(n >= 256 << 10 for n in calls[1:-1]), calls


def test_gzip_is_inflated_in_bounded_pieces():
    payload = bytes(64 << 20)                     # 64 MiB of zeros: a 64 KiB gzip that inflates 1000×
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as tar:
        info = tarfile.TarInfo("zeros")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    blob = gzip.compress(data.getvalue(), compresslevel=1, mtime=0)
    assert len(blob) < 1 << 20
    src = GzipSource(MemberSource(ChunkSource([blob]), len(blob), "blob"), "blob")
    pieces = []
    while p := src.piece(1 << 30):
        pieces.append(len(p))
    assert max(pieces) <= READ and sum(pieces) == len(data.getvalue())


def test_corrupt_and_cut_gzip_are_one_line():
    blob = gzip.compress(layer_tar([F("a", b"x" * 5000)]), mtime=0)
    broken = blob[:20] + bytes(len(blob) - 40) + blob[-20:]
    for bad, words in ((broken, "not valid gzip"), (blob[:len(blob) // 2], "cut short")):
        src = GzipSource(MemberSource(ChunkSource([bad]), len(bad), "blob"), "layer x")
        with pytest.raises(FilesError, match=words):
            layer_entries(src, "layer x")


def test_concatenated_gzip_members_are_one_stream():
    tar = layer_tar([F("a", b"x" * 5000), F("b", b"y" * 3000)])
    blob = gzip.compress(tar[:3000], mtime=0) + gzip.compress(tar[3000:], mtime=0)
    src = GzipSource(MemberSource(ChunkSource([blob]), len(blob), "blob"), "blob")
    assert [e.path for e in layer_entries(src, "t")] == ["a", "b"]


def test_member_source_refuses_a_short_parent():
    src = MemberSource(ChunkSource([b"abc"]), 10, "the member")
    with pytest.raises(FilesError, match="the member is cut short"):
        src.skip(10)
