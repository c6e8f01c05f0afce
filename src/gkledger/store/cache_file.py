"""The cache's file format: MAGIC, the CRC-32 of the rest, a table of the parts' lengths, then the
index's pickle (protocol 5) and each blob it keeps out of band. Loading makes the blobs slices of
the bytes read, so a million records' cache (140 MB) is never held twice; a file that fails its
checksum, its table or its unpickling is no cache at all (None), and is rebuilt."""

from __future__ import annotations

import itertools
import pickle
import struct
import zlib
from collections.abc import Sequence
from typing import BinaryIO

MAGIC = b"gkledger-cache-13"  # bump when the layout or pickled types change
DIGEST = 32
LENGTH = 8  # bytes of a number in the table that opens the file's body (see `_table`)


def dump(index: object, handle: BinaryIO) -> None:
    """Write `index` to `handle`, a megabyte at a time; the checksum is summed as the file is
    written and put in the header after."""
    handle.write(MAGIC + bytes(DIGEST))
    summing = _Summing(handle)
    blobs: list[pickle.PickleBuffer] = []
    pickled = pickle.dumps(index, protocol=5, buffer_callback=blobs.append)
    parts: list[bytes | memoryview] = [pickled, *(blob.raw() for blob in blobs)]
    pending: list[bytes | memoryview] = [_table([len(part) for part in parts])]
    size = len(pending[0])  # written a megabyte at a time: 4,000 blobs are small
    for part in parts:
        pending.append(part)
        size += len(part)
        if size >= 1 << 20:
            summing.write(b"".join(pending))
            pending, size = [], 0
    summing.write(b"".join(pending))
    handle.seek(len(MAGIC))
    handle.write(_crc_field(summing.crc))


def load(data: bytes) -> object | None:
    """What `dump` wrote, or None when `data` is not a whole cache file of this layout."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + DIGEST:
        return None
    body = memoryview(data)[len(MAGIC) + DIGEST :]
    if _checksum(body) != data[len(MAGIC) : len(MAGIC) + DIGEST]:
        return None
    try:
        pickled, blobs = _parts(body)
        found: object = pickle.loads(pickled, buffers=blobs)
        return found
    except Exception:  # a file that passed its checksum but not unpickling: rebuild
        return None


def _checksum(body: bytes | memoryview) -> bytes:
    """Catches a truncated or damaged file; trust comes from ownership, checked first, so a CRC-32
    (not a cryptographic digest) is enough."""
    return _crc_field(zlib.crc32(body))


def _crc_field(crc: int) -> bytes:
    return crc.to_bytes(4, "little").ljust(DIGEST, b"\0")


class _Summing:
    """A file that keeps the CRC-32 of what is written to it, for a pickle streamed to disk."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.crc = 0

    def write(self, data: bytes | memoryview) -> int:
        self.crc = zlib.crc32(data, self.crc)
        return self.handle.write(data)


def _table(lengths: Sequence[int]) -> bytes:
    """What opens the file's body: the number of parts, then each part's length (the index's
    pickle, then each blob), read in one call rather than a length before each part."""
    return struct.pack(f"<{1 + len(lengths)}Q", len(lengths), *lengths)


def _parts(body: memoryview) -> tuple[memoryview, list[memoryview]]:
    """The pickle of the index and its out-of-band blobs, as slices of the file's body."""
    count = int.from_bytes(body[:LENGTH], "little")
    start = LENGTH * (1 + count)
    if count == 0 or start > len(body):
        raise ValueError("no table, or one that overruns the file")
    ends = list(itertools.accumulate(struct.unpack_from(f"<{count}Q", body, LENGTH), initial=start))
    if ends[-1] != len(body):
        raise ValueError("the parts do not fill the file")
    pickled, *blobs = (body[begin:end] for begin, end in itertools.pairwise(ends))
    return pickled, blobs
