"""Verifiable case bundles: a BagIt bag (RFC 8493) of a case's evidence, positions, list
entries, detector parameters and log, the log as an RFC 9162 Merkle tree with a signed
checkpoint and inclusion proofs, and an in-toto Statement over the bag in a DSSE envelope.

Pure: the functions take a :class:`~setori.cases.model.Case` and keys, and return or read
the bundle as bytes (a zip). docs/bundles.md describes the layout and how to verify a
bundle offline.
"""
