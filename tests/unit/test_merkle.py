"""Merkle trees over sealed ballots: RFC 6962 known answers and proof properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tauride.domain.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    verify_inclusion,
)

# The test leaves and roots of the certificate-transparency reference implementation
# (cpp/merkletree/merkle_tree_test.cc), used by every RFC 6962 implementation.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
EMPTY_ROOT_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
# (0-based leaf index, tree size, audit path) from the same reference test file.
CT_PATHS = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


# --- a literal transcription of RFC 6962 §2.1, independent of the code under test ---


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _split(n)
    return hashlib.sha256(b"\x01" + reference_mth(d[:k]) + reference_mth(d[k:])).digest()


def reference_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*reference_path(m, d[:k]), reference_mth(d[k:])]
    return [*reference_path(m - k, d[k:]), reference_mth(d[:k])]


def reference_route(m: int, n: int) -> list[bool]:
    """Whether each sibling on leaf m's path in a tree of n leaves lies to the right."""
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*reference_route(m, k), True]
    return [*reference_route(m - k, n - k), False]


leaf_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=70)


def test_empty_tree_root_is_hash_of_empty_string() -> None:
    assert merkle_root([]).hex() == EMPTY_ROOT_HEX
    assert EMPTY_ROOT.hex() == EMPTY_ROOT_HEX
    assert reference_mth([]).hex() == EMPTY_ROOT_HEX
    assert MerkleTree([]).size == 0


def test_reference_implementation_gives_published_root_of_eight_leaves() -> None:
    assert reference_mth(CT_LEAVES).hex() == CT_ROOTS[-1]


@pytest.mark.parametrize("size", range(1, 9))
def test_root_matches_certificate_transparency_vectors(size: int) -> None:
    assert merkle_root(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]
    assert reference_mth(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), CT_PATHS)
def test_audit_path_matches_certificate_transparency_vectors(
    index: int, size: int, path: list[str]
) -> None:
    proof = inclusion_proof(CT_LEAVES[:size], index)
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(CT_ROOTS[size - 1])
    assert verify_inclusion(CT_LEAVES[index], index, size, proof, root)


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    left, right = leaf_hash(b"a"), leaf_hash(b"b")
    assert leaf_hash(b"a") == hashlib.sha256(b"\x00a").digest()
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    # An interior node offered as leaf data does not hash to the interior node.
    assert leaf_hash(left + right) != node_hash(left, right)


def test_every_leaf_of_every_small_tree_proves_its_inclusion() -> None:
    for size in range(1, 9):
        tree = MerkleTree(CT_LEAVES[:size])
        for index in range(size):
            proof = tree.inclusion_proof(index)
            assert proof == reference_path(index, CT_LEAVES[:size])
            assert verify_inclusion(CT_LEAVES[index], index, size, proof, tree.root)


def test_index_outside_the_tree_is_refused() -> None:
    with pytest.raises(IndexError):
        inclusion_proof(CT_LEAVES[:3], 3)
    with pytest.raises(IndexError):
        inclusion_proof(CT_LEAVES[:3], -1)
    with pytest.raises(IndexError):
        MerkleTree(CT_LEAVES[:3]).inclusion_proof(5)
    with pytest.raises(IndexError):
        inclusion_proof([], 0)
    with pytest.raises(ValueError, match="must not be negative"):
        verify_inclusion(CT_LEAVES[0], -1, 3, [], bytes(32))


def test_index_at_or_beyond_tree_size_fails_verification() -> None:
    root = merkle_root(CT_LEAVES[:3])
    assert not verify_inclusion(CT_LEAVES[2], 3, 3, [], root)
    assert not verify_inclusion(CT_LEAVES[0], 0, 0, [], EMPTY_ROOT)


def test_malformed_proof_elements_fail_rather_than_raise() -> None:
    tree = MerkleTree(CT_LEAVES)
    proof = tree.inclusion_proof(4)
    assert not verify_inclusion(CT_LEAVES[4], 4, 8, [*proof[:-1], proof[-1][:31]], tree.root)
    assert not verify_inclusion(CT_LEAVES[4], 4, 8, proof, tree.root[:16])


def test_a_single_leaf_tree_needs_an_empty_proof() -> None:
    root = merkle_root([b"only"])
    assert root == leaf_hash(b"only")
    assert verify_inclusion(b"only", 0, 1, [], root)
    assert not verify_inclusion(b"only", 0, 1, [root], root)


def test_a_large_tree_built_level_by_level_agrees_with_the_recursive_root() -> None:
    # Speed is measured in bench/, not asserted here.
    leaves = [i.to_bytes(8, "big") for i in range(100_000)]
    tree = MerkleTree(leaves)
    assert tree.root == merkle_root(leaves)
    for index in (0, 1, 65_535, 65_536, 99_999):
        proof = tree.inclusion_proof(index)
        assert verify_inclusion(leaves[index], index, len(leaves), proof, tree.root)


@given(leaf_lists)
def test_iterative_root_equals_recursive_definition(leaves: list[bytes]) -> None:
    assert merkle_root(leaves) == reference_mth(leaves)


@given(leaf_lists, st.data())
def test_iterative_audit_path_equals_recursive_definition(
    leaves: list[bytes], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(leaves) - 1))
    assert inclusion_proof(leaves, index) == reference_path(index, leaves)


@given(leaf_lists)
def test_every_index_proof_verifies_against_the_root(leaves: list[bytes]) -> None:
    tree = MerkleTree(leaves)
    for index, leaf in enumerate(leaves):
        assert verify_inclusion(leaf, index, len(leaves), tree.inclusion_proof(index), tree.root)


@given(leaf_lists, st.data())
def test_a_proof_fails_for_anything_it_was_not_made_for(
    leaves: list[bytes], data: st.DataObject
) -> None:
    size = len(leaves)
    tree = MerkleTree(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    leaf, proof, root = leaves[index], tree.inclusion_proof(index), tree.root

    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index), label="other")
        # Leaves may repeat: the proof then also shows the same data at another index,
        # truthfully, when that index's own proof is the same.
        if tree.inclusion_proof(other) != proof or leaves[other] != leaf:
            assert not verify_inclusion(leaf, other, size, proof, root)

    changed = data.draw(st.binary(max_size=12).filter(lambda b: b != leaf), label="changed")
    assert not verify_inclusion(changed, index, size, proof, root)

    flipped_root = bytes([root[0] ^ 1]) + root[1:]
    assert not verify_inclusion(leaf, index, size, proof, flipped_root)

    if proof:
        assert not verify_inclusion(leaf, index, size, proof[:-1], root)
        assert not verify_inclusion(leaf, index, size, proof[1:], root)
        position = data.draw(st.integers(0, len(proof) - 1), label="position")
        bad = list(proof)
        bad[position] = bytes([bad[position][0] ^ 0x80]) + bad[position][1:]
        assert not verify_inclusion(leaf, index, size, bad, root)
    assert not verify_inclusion(leaf, index, size, [*proof, root], root)


@given(leaf_lists, st.data())
def test_a_proof_fails_for_a_tree_size_of_another_shape(
    leaves: list[bytes], data: st.DataObject
) -> None:
    size = len(leaves)
    tree = MerkleTree(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tree.inclusion_proof(index)
    wrong = data.draw(st.integers(index + 1, 2 * size + 2).filter(lambda n: n != size))
    # The path depends on the tree size only through the leaf's route to the root. Sizes
    # that route the leaf alike (index 0 in trees of 3 and 4 leaves: left, left) accept
    # the same proof, which is why a sealed root is always recorded with its tree size.
    same_route = reference_route(index, wrong) == reference_route(index, size)
    assert verify_inclusion(leaves[index], index, wrong, proof, tree.root) == same_route


def test_tree_size_must_be_recorded_with_the_root() -> None:
    leaves = CT_LEAVES[:3]
    proof = inclusion_proof(leaves, 0)
    root = merkle_root(leaves)
    assert verify_inclusion(leaves[0], 0, 4, proof, root)
    assert not verify_inclusion(leaves[0], 0, 5, proof, root)
