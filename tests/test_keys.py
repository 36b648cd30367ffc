"""Signing keys: files in standard formats, the private one readable by its owner only, and
a fingerprint short enough to read by phone."""

from __future__ import annotations

import hashlib
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import setori
from setori.cases.keys import (
    fingerprint,
    private_key_from_pem,
    public_key_from_pem,
    public_key_from_raw,
)
from setori.errors import InputError

FINGERPRINT = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$")
#: RFC 8032 §7.1 TEST 1 public key.
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")


def test_keys_new_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    made = setori.keys_new(tmp_path / "kim")
    private, public = Path(made["private_key"]), Path(made["public_key"])
    assert (private.name, public.name) == ("kim.key", "kim.pub")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert FINGERPRINT.match(made["fingerprint"])
    assert setori.keys_show(public) == setori.keys_show(private) == made["fingerprint"]
    key = private_key_from_pem(private.read_bytes())
    assert fingerprint(key.public_key()) == made["fingerprint"]


def test_an_existing_key_is_never_overwritten_unasked(tmp_path: Path) -> None:
    first = setori.keys_new(tmp_path / "kim")
    with pytest.raises(InputError, match="exists"):
        setori.keys_new(tmp_path / "kim")
    assert setori.keys_show(first["public_key"]) == first["fingerprint"]
    assert setori.keys_new(tmp_path / "kim", overwrite=True)["fingerprint"] != first["fingerprint"]


def test_the_fingerprint_is_the_documented_sha256_prefix() -> None:
    import base64

    key = public_key_from_raw(RFC8032_PUBLIC)
    digest = hashlib.sha256(RFC8032_PUBLIC).digest()[:20]
    expected = base64.b32encode(digest).decode()
    assert fingerprint(key).replace("-", "") == expected
    assert FINGERPRINT.match(fingerprint(key))


def test_not_a_key_says_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"expected the \.pub file"):
        public_key_from_pem(b"-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")
    with pytest.raises(InputError, match="cannot read"):
        setori.keys_show(tmp_path / "missing.pub")


def test_keys_commands_through_the_real_process(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "setori", "keys"]
    made = subprocess.run(
        [*run, "new", "-o", "partner"], cwd=tmp_path, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    printed = made.stdout.split("fingerprint")[1].strip()
    assert FINGERPRINT.match(printed)
    shown = subprocess.run(
        [*run, "show", "partner.pub"], cwd=tmp_path, capture_output=True, text=True
    )
    assert shown.stdout.strip() == printed
    again = subprocess.run(
        [*run, "new", "-o", "partner"], cwd=tmp_path, capture_output=True, text=True
    )
    assert again.returncode == 1 and "partner.key exists" in again.stderr
