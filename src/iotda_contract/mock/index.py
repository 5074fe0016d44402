"""One filter key's record ids in compact sorted arrays, with the serialised bodies kept alongside."""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from operator import ge
from typing import overload

#: Hex digits of a record id (96 bits); the index stores nothing else.
ID_DIGITS = 24
_LOW_BITS = 32
_ID_BYTES = 12
_LOW_MASK = (1 << _LOW_BITS) - 1
#: The unsigned array type of exactly 32 bits ("I" on every common platform).
_LOW_TYPE = next(code for code in "ILH" if array(code).itemsize == 4)


class InvalidIds(ValueError):
    """Ids that are not 24 hex digits, or (loading) not lower-case and strictly ascending."""


def split(record_id: str) -> tuple[int, int]:
    """(high 64 bits, low 32 bits) of a 24-hex-digit id; InvalidIds for anything else.

    Hex digits compare alike in either case, so the split is case-insensitive.
    """
    try:
        raw = bytes.fromhex(record_id) if len(record_id) == ID_DIGITS else b""  # no "0x", "_" or sign
    except ValueError:
        raw = b""
    if len(raw) != _ID_BYTES:  # the wrong length, a non-hex digit, or spaces between digits
        raise InvalidIds(f"not a {ID_DIGITS}-digit hex record id: {record_id!r}")
    value = int.from_bytes(raw, "big")
    return value >> _LOW_BITS, value & _LOW_MASK


def _splits(marker: str) -> tuple[int, int] | None:
    """``split`` for a marker, None when it is not 24 hex digits (then strings are compared)."""
    try:
        return split(marker)
    except InvalidIds:
        return None


class IdIndex(Sequence[str]):
    """The ascending record ids of one filter key, with a parallel list of cached bodies.

    An id is kept as two machine integers (its high 64 and low 32 bits) in two arrays, so a
    bisect touches contiguous memory instead of ``str`` objects. ``bodies[i]`` is the serialised
    task of the i-th id, or None when it is not cached (never rendered yet, or still changing).
    Insertions and removals keep the three sequences aligned. As a ``Sequence[str]`` it reads like
    the sorted list of lower-case hex ids it replaces.
    """

    __slots__ = ("_high", "_low", "bodies")

    def __init__(self, record_ids: Iterable[str] = ()) -> None:
        self._high: array[int] = array("Q")
        self._low: array[int] = array(_LOW_TYPE)
        self.bodies: list[bytes | None] = []
        for record_id in record_ids:
            self.append(record_id)

    @classmethod
    def from_sorted(cls, record_ids: list[str]) -> IdIndex:
        """An index of lower-case ids in strictly ascending order (loading); InvalidIds otherwise.

        Converts in bulk (hex to bytes, then strided byte copies), far faster than one by one.
        """
        index = cls()
        count = len(record_ids)
        if not count:
            return index
        if set(map(len, record_ids)) != {ID_DIGITS}:
            raise InvalidIds(f"not all {ID_DIGITS}-digit record ids")
        text = "".join(record_ids)
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise InvalidIds("record ids must be hex digits") from None
        if len(raw) != count * _ID_BYTES or any(digit in text for digit in "ABCDEF"):
            raise InvalidIds("record ids must be lower-case hex digits")
        if any(map(ge, record_ids, islice(record_ids, 1, None))):
            raise InvalidIds("record ids are not strictly ascending")
        index._high = _column(raw, count, 0, 8, "Q")
        index._low = _column(raw, count, 8, 4, _LOW_TYPE)
        index.bodies = [None] * count
        return index

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._high)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [_join(h, lo) for h, lo in zip(self._high[index], self._low[index], strict=True)]
        return _join(self._high[index], self._low[index])

    def __iter__(self) -> Iterator[str]:
        return map(_join, self._high, self._low)

    def bisect_left(self, marker: str) -> int:
        """How many ids are below ``marker`` (a 24-hex marker compares case-insensitively)."""
        return self._bisect(marker, bisect_left)

    def bisect_right(self, marker: str) -> int:
        """How many ids are below or equal to ``marker``."""
        return self._bisect(marker, bisect_right)

    def _bisect(self, marker: str, side: Callable[..., int]) -> int:
        parts = _splits(marker)
        if parts is None:
            return side(self, marker)
        high, low = parts
        highs = self._high
        start = bisect_left(highs, high)
        count = len(highs)
        if start == count or highs[start] != high:  # no id shares the marker's high bits
            return start
        if start + 1 == count or highs[start + 1] != high:  # exactly one does
            found = self._low[start]
            return start + (found < low if side is bisect_left else found <= low)
        return side(self._low, low, start, bisect_right(highs, high, start))

    def find(self, record_id: str) -> int | None:
        """The position of ``record_id``, None when it is not in the index."""
        high, low = split(record_id)
        position = self.bisect_left(record_id)
        if position < len(self._high) and self._high[position] == high and self._low[position] == low:
            return position
        return None

    # -- writing ---------------------------------------------------------------------------

    def append(self, record_id: str) -> None:
        """Add an id greater than every id held (loading in order); InvalidIds otherwise."""
        high, low = split(record_id)
        self.append_split(high, low)

    def append_split(self, high: int, low: int) -> None:
        """``append`` for an id already split (loading many keys from one row splits once)."""
        highs = self._high
        if highs:
            last = highs[-1]
            if last > high or (last == high and self._low[-1] >= low):
                raise InvalidIds(f"{_join(high, low)} is not above the last id")
        highs.append(high)
        self._low.append(low)
        self.bodies.append(None)

    def insert(self, record_id: str) -> int:
        """Add ``record_id`` at its place (no body cached); its position. Already there: no change."""
        high, low = split(record_id)
        highs = self._high
        if not highs or (highs[-1], self._low[-1]) < (high, low):
            highs.append(high)
            self._low.append(low)
            self.bodies.append(None)
            return len(highs) - 1
        position = self.bisect_left(record_id)
        if highs[position] == high and self._low[position] == low:
            return position
        highs.insert(position, high)
        self._low.insert(position, low)
        self.bodies.insert(position, None)
        return position

    def remove(self, record_id: str) -> bool:
        """Drop ``record_id`` and its body; False when it is not held."""
        position = self.find(record_id)
        if position is None:
            return False
        del self._high[position]
        del self._low[position]
        del self.bodies[position]
        return True


def _column(raw: bytes, count: int, first: int, width: int, typecode: str) -> array[int]:
    """Bytes ``first:first+width`` of each 12-byte big-endian id in ``raw``, as unsigned integers."""
    packed = bytearray(count * width)
    for byte in range(width):
        packed[byte::width] = raw[first + byte :: _ID_BYTES]
    column = array(typecode)
    column.frombytes(packed)
    if sys.byteorder == "little":
        column.byteswap()
    return column


def _join(high: int, low: int) -> str:
    return f"{high:016x}{low:08x}"
