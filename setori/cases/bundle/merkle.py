"""The Merkle tree of a case log, hashed as RFC 9162 §2.1 (the same as RFC 6962 §2.1).

``MTH({}) = SHA-256()``; a leaf is ``SHA-256(0x00 || d)``; a node
``SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`` where ``k`` is the largest power of two
smaller than ``n``. An inclusion proof is the audit path ``PATH(m, D[n])`` of §2.1.3.1,
verified with the algorithm of §2.1.3.2. Hashes are lowercase hex in everything setori
writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = ["inclusion_proof", "leaf_hash", "node_hash", "root_from_proof", "tree_root"]


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _subtree(hashes: Sequence[bytes], start: int, end: int) -> bytes:
    if end - start == 1:
        return hashes[start]
    k = _split(end - start)
    return node_hash(_subtree(hashes, start, start + k), _subtree(hashes, start + k, end))


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """``MTH`` of the leaves whose leaf hashes are given (the empty tree: SHA-256 of b"")."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    return _subtree(leaf_hashes, 0, len(leaf_hashes))


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``leaf_hashes`` (RFC 9162 §2.1.3.1)."""
    if not 0 <= index < len(leaf_hashes):
        raise ValueError(f"leaf index {index} outside a tree of {len(leaf_hashes)} leaves")
    path: list[bytes] = []
    start, end = 0, len(leaf_hashes)
    while end - start > 1:  # walk down, collecting the sibling subtree at each level
        k = _split(end - start)
        if index < start + k:
            path.append(_subtree(leaf_hashes, start + k, end))
            end = start + k
        else:
            path.append(_subtree(leaf_hashes, start, start + k))
            start = start + k
    return path[::-1]  # leaf to root


def root_from_proof(index: int, tree_size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or ``None`` when the path
    cannot belong to a tree of ``tree_size`` leaves. Compare it with the signed root."""
    if not 0 <= index < tree_size:
        return None
    fn, sn, r = index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None
