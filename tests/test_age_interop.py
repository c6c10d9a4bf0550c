"""Interoperability of evidence_kit.core.crypto.age with the reference `age` command (Go, /usr/bin/age).

Passphrase mode of `age` reads the passphrase only from a terminal (/dev/tty), never from a
pipe or the environment. The scrypt tests therefore run `age` on a pseudo-terminal (pty.fork
makes it the child's controlling terminal) and type the passphrase into it.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from evidence_kit.core.crypto.age import AgeNoMatchError
from evidence_kit.core.crypto.age_recipients import (
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    X25519Recipient,
)
from evidence_kit.core.crypto.age_stream import AgeReader, AgeWriter, decrypt_bytes, encrypt_bytes

from .ttyhelp import run_on_tty

AGE = shutil.which("age")
AGE_KEYGEN = shutil.which("age-keygen")
pytestmark = pytest.mark.skipif(AGE is None, reason="the age command is not installed")

SIZES = [0, 100, 2 * 64 * 1024, 200 * 1024]  # includes a payload ending on a full chunk


def data_of(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def run_age(*args: str | Path, stdin: bytes | None = None) -> bytes:
    assert AGE is not None
    proc = subprocess.run([AGE, *map(str, args)], input=stdin, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout


# ---------------------------------------------------------------------------------------------
# X25519
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_we_encrypt_age_decrypts(tmp_path: Path, size: int) -> None:
    identity = X25519Identity.generate()
    keyfile = tmp_path / "key.txt"
    keyfile.write_text(f"# test key\n{identity.to_bech32()}\n")
    data = data_of(size)
    encrypted = tmp_path / "data.age"
    with encrypted.open("wb") as f, AgeWriter(f, [identity.recipient()]) as writer:
        # Uneven writes, to exercise the writer's buffering against the reference reader.
        for start in range(0, size, 50_000):
            writer.write(data[start : start + 50_000])
    # Output to stdout: with -o, age 1.1 creates the output file lazily, on the first write,
    # so an empty plaintext would leave no file at all.
    assert run_age("-d", "-i", keyfile, encrypted) == data


@pytest.mark.parametrize("size", SIZES)
def test_age_encrypts_we_decrypt(tmp_path: Path, size: int) -> None:
    identity = X25519Identity.generate()
    other = X25519Identity.generate()
    data = data_of(size)
    plain = tmp_path / "data.bin"
    plain.write_bytes(data)
    encrypted = tmp_path / "data.age"
    run_age(
        "-r", other.recipient().to_bech32(), "-r", identity.recipient().to_bech32(), "-o", encrypted, plain
    )
    with encrypted.open("rb") as f:
        chunks = list(AgeReader(f, [identity]).chunks())
    assert b"".join(chunks) == data
    assert decrypt_bytes(encrypted.read_bytes(), [other]) == data
    with pytest.raises(AgeNoMatchError):
        decrypt_bytes(encrypted.read_bytes(), [X25519Identity.generate()])


def test_pipe_round_trip_through_age() -> None:
    """age writes to a pipe and reads from one; our side works on in-memory streams."""
    identity = X25519Identity.generate()
    data = data_of(70_000)
    ciphertext = run_age("-r", identity.recipient().to_bech32(), stdin=data)
    assert decrypt_bytes(ciphertext, [identity]) == data


@pytest.mark.skipif(AGE_KEYGEN is None, reason="age-keygen is not installed")
def test_keys_agree_with_age_keygen(tmp_path: Path) -> None:
    assert AGE_KEYGEN is not None
    keyfile = tmp_path / "key.txt"
    subprocess.run([AGE_KEYGEN, "-o", str(keyfile)], check=True, capture_output=True, timeout=30)
    lines = keyfile.read_text().splitlines()
    secret = next(line for line in lines if line.startswith("AGE-SECRET-KEY-1"))
    public = next(line for line in lines if line.startswith("# public key: ")).removeprefix("# public key: ")
    ours = X25519Identity.from_bech32(secret)
    assert ours.to_bech32() == secret
    assert ours.recipient().to_bech32() == public
    assert X25519Recipient.from_bech32(public).public_bytes() == ours.recipient().public_bytes()

    # And the other way: age-keygen -y derives the recipient of an identity we generated.
    mine = X25519Identity.generate()
    derived = subprocess.run(
        [AGE_KEYGEN, "-y"],
        input=mine.to_bech32() + "\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    assert derived == mine.recipient().to_bech32()


# ---------------------------------------------------------------------------------------------
# scrypt (passphrase), through a pseudo-terminal
# ---------------------------------------------------------------------------------------------

PASSPHRASE = "correct horse battery staple"


def test_we_encrypt_with_passphrase_age_decrypts(tmp_path: Path) -> None:
    assert AGE is not None
    data = data_of(100_000)
    encrypted = tmp_path / "data.age"
    encrypted.write_bytes(encrypt_bytes(data, [ScryptRecipient(PASSPHRASE, work_factor=10)]))
    out = tmp_path / "data.out"
    rc, tty = run_on_tty([AGE, "-d", "-o", str(out), str(encrypted)], f"{PASSPHRASE}\n".encode())
    assert rc == 0, tty.decode(errors="replace")
    assert out.read_bytes() == data


def test_age_encrypts_with_passphrase_we_decrypt(tmp_path: Path) -> None:
    assert AGE is not None
    data = data_of(100_000)
    plain = tmp_path / "data.bin"
    plain.write_bytes(data)
    encrypted = tmp_path / "data.age"
    # age asks for the passphrase and then for its confirmation.
    typed = f"{PASSPHRASE}\n{PASSPHRASE}\n".encode()
    rc, tty = run_on_tty([AGE, "-p", "-o", str(encrypted), str(plain)], typed)
    assert rc == 0, tty.decode(errors="replace")
    ciphertext = encrypted.read_bytes()
    assert b"\n-> scrypt " in ciphertext[:100]
    # age's default work factor is 18 (256 MiB of scrypt memory, well under our limit of 22).
    assert AgeReader(io.BytesIO(ciphertext), [ScryptIdentity(PASSPHRASE)]).read_all() == data
    with pytest.raises(AgeNoMatchError):
        decrypt_bytes(ciphertext, [ScryptIdentity("wrong")])
