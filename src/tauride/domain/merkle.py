"""Merkle trees over sealed ballots, hashed as in RFC 6962 §2.1 (restated in RFC 9162 §2.1).

When a poll closes its ballots are sealed into one tree: the root goes into the journal
entry that closes the poll, and each voter's receipt carries an inclusion proof, so that
anyone holding a receipt can check that their ballot was counted without learning any
other ballot. Leaves are the raw bytes of each sealed ballot; this module does not care
what they encode.

Leaf and interior hashes carry distinct one-byte prefixes (0x00 and 0x01) so that an
interior node can never be passed off as a leaf (a second-preimage attack, RFC 6962 §2.1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleTree",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "node_hash",
    "verify_inclusion",
]

HASH_SIZE = 32
"""Bytes in every hash of the tree (SHA-256)."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root of the tree with no leaves: the hash of the empty string (RFC 6962 §2.1)."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Decide the hash of one leaf: SHA-256(0x00 || data), RFC 6962 §2.1."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Decide the hash of an interior node: SHA-256(0x01 || left || right), RFC 6962 §2.1."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _build_levels(leaves: Iterable[bytes]) -> list[list[bytes]]:
    """Decide every level of the tree, from the leaf hashes up to the one-element root level.

    RFC 6962 defines MTH recursively, splitting n leaves at the largest power of two k < n.
    Pairing neighbours level by level, and carrying an unpaired last node up unchanged,
    yields the same tree: the left subtree of every split is perfect (k is a power of two),
    so the pairs never straddle a split, and the right-most, incomplete subtree's root is
    exactly the node that is carried up until it finds its partner. Each node is hashed
    once, so n leaves cost n - 1 interior hashes.
    """
    level = [leaf_hash(data) for data in leaves]
    levels = [level]
    while len(level) > 1:
        upper = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            upper.append(level[-1])
        levels.append(upper)
        level = upper
    return levels


class MerkleTree:
    """A Merkle tree built once over a fixed list of leaves, answering its root and proofs.

    Sealing a poll needs the root and one proof per ballot; building the levels once makes
    each proof cost O(log n) instead of rebuilding the tree for every receipt.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaves: Iterable[bytes]) -> None:
        self._levels = _build_levels(leaves)

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    @property
    def root(self) -> bytes:
        """The Merkle tree hash MTH(D[n]) of RFC 6962 §2.1."""
        if not self._levels[0]:
            return EMPTY_ROOT
        return self._levels[-1][0]

    def leaf_hash(self, index: int) -> bytes:
        """Decide the hash of the leaf at ``index`` (0-based)."""
        self._check_index(index)
        return self._levels[0][index]

    def inclusion_proof(self, index: int) -> list[bytes]:
        """Decide the audit path of the leaf at ``index``: PATH(m, D[n]) of RFC 6962 §2.1.1.

        The path lists sibling hashes from the leaf's level upwards. A node carried up
        unpaired has no sibling at that level and contributes nothing, which is how the
        recursive definition skips it too.
        """
        self._check_index(index)
        path: list[bytes] = []
        position = index
        for level in self._levels[:-1]:
            sibling = position ^ 1
            if sibling < len(level):
                path.append(level[sibling])
            position >>= 1
        return path

    def _check_index(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise IndexError(f"leaf index {index} is outside a tree of {self.size} leaves")


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """Decide the Merkle tree hash MTH(D[n]) of the given leaf data, RFC 6962 §2.1."""
    return MerkleTree(leaves).root


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """Decide the audit path of leaf ``index`` in the tree of ``leaves``, RFC 6962 §2.1.1.

    Builds the whole tree; to prove many leaves of one tree, build a `MerkleTree` once.
    Raises IndexError when ``index`` is not a leaf of the tree.
    """
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf index {index} is outside a tree of {len(leaves)} leaves")
    return MerkleTree(leaves).inclusion_proof(index)


def verify_inclusion(
    leaf_data: bytes,
    index: int,
    tree_size: int,
    proof: Sequence[bytes],
    root: bytes,
) -> bool:
    """Decide whether ``proof`` shows ``leaf_data`` at ``index`` in the tree with ``root``.

    This is the verification algorithm of RFC 9162 §2.1.3.2, step for step. A proof is
    untrusted input, so any malformed part of it (an element of the wrong length, too few
    or too many elements, an index at or beyond the tree size) makes it fail rather than
    raise. A negative index or tree size is a caller's mistake and raises ValueError.
    """
    if index < 0 or tree_size < 0:
        raise ValueError(f"leaf index {index} and tree size {tree_size} must not be negative")
    # Step 1: an index at or beyond the tree size fails.
    if index >= tree_size:
        return False
    if len(root) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        return False
    # Step 2: fn walks the leaf's position up the tree, sn the last node's position.
    fn = index
    sn = tree_size - 1
    # Step 3.
    r = leaf_hash(leaf_data)
    # Step 4.
    for p in proof:
        # 4a: a path longer than the tree is tall fails.
        if sn == 0:
            return False
        # 4b: the node is a right child, or the last node of its level (carried up).
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # 4b.2: a node carried up unpaired keeps rising until it becomes a right
            # child; skip those levels, which contributed no sibling to the path.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        # 4c.
        fn >>= 1
        sn >>= 1
    # Step 5: the path must have reached the root, and the root must match.
    return sn == 0 and r == root
