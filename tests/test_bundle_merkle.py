"""The case log's Merkle tree against the RFC 6962 / RFC 9162 reference vectors (the
certificate-transparency test constants: leaves, roots of trees of 0..8 leaves, inclusion
proofs), and Hypothesis: every leaf's proof verifies, any change fails. DSSE's PAE against
the example in the DSSE protocol spec."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from setori.cases.bundle.merkle import inclusion_proof, leaf_hash, root_from_proof, tree_root
from setori.cases.bundle.signing import pae

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
#: (leaf index, tree size) -> audit path, from the same reference constants.
PROOFS = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def test_roots_match_the_reference_vectors() -> None:
    assert [tree_root(HASHES[:n]).hex() for n in range(9)] == ROOTS


def test_inclusion_proofs_match_the_reference_vectors() -> None:
    for (index, size), path in PROOFS.items():
        assert [h.hex() for h in inclusion_proof(HASHES[:size], index)] == path
        root = root_from_proof(index, size, HASHES[index], [bytes.fromhex(h) for h in path])
        assert root is not None and root.hex() == ROOTS[size]


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert tree_root(HASHES[:2]) == hashlib.sha256(b"\x01" + HASHES[0] + HASHES[1]).digest()


def test_pae_matches_the_dsse_spec_example() -> None:
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


leaves_strategy = st.lists(st.binary(max_size=40), min_size=1, max_size=70)


@given(leaves_strategy)
def test_every_leaf_proof_verifies(leaves: list[bytes]) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    root = tree_root(hashes)
    for index, leaf in enumerate(hashes):
        assert root_from_proof(index, len(hashes), leaf, inclusion_proof(hashes, index)) == root


@given(leaves_strategy, st.data())
def test_any_change_fails(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    root, size = tree_root(hashes), len(hashes)
    index = data.draw(st.integers(0, size - 1))
    path = inclusion_proof(hashes, index)
    other_leaf = leaf_hash(leaves[index] + b"x")
    assert root_from_proof(index, size, other_leaf, path) != root  # an edited record
    moved = [i for i in range(size) if hashes[i] != hashes[index]]
    if moved:  # the same record claimed at another position
        other = data.draw(st.sampled_from(moved))
        assert root_from_proof(other, size, hashes[index], path) != root
    if size > 1:
        at = data.draw(st.integers(0, len(path) - 1))
        bent = [*path[:at], bytes(32), *path[at + 1 :]]
        assert root_from_proof(index, size, hashes[index], bent) != root  # a forged sibling
        assert root_from_proof(index, size, hashes[index], path[:-1]) != root  # truncated
    assert root_from_proof(size, size, hashes[index], path) is None  # outside the tree
