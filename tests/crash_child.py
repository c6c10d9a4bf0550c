"""Child process for the crash test: imports evidence until it is killed.

Prints "ACK <sha256>" only after the vault call returned, i.e. after the item was
acknowledged as saved. The parent kills it at a random moment.
"""

from __future__ import annotations

import io
import os
import random
import sys
from pathlib import Path

from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.crypto.keys import Keyring
from evidence_kit.core.vault.vault import Vault

CANARY = b"EK-CANARY-7f3a9c1e"


def main() -> None:
    vault_path, src_dir, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    keys = Keyring(bytes.fromhex(os.environ["EK_TEST_MASTER"]))
    rng = random.Random(seed)
    v = Vault.open_with_keyring(vault_path, keys)
    case_id = v.list_cases()[0].id
    print("OPEN", flush=True)
    for n in range(6):
        big = rng.random() < 0.35
        size = rng.randrange(256 * 1024, 3 * 1024 * 1024) if big else rng.randrange(1, 64 * 1024)
        body = CANARY + rng.randbytes(size) + CANARY
        if rng.random() < 0.5:
            f = src_dir / f"src-{seed}-{n}.bin"
            f.write_bytes(body)
            res = v.add_file(case_id, f)
        else:
            res = v.add_bytes(case_id, body, ItemInput(name=f"shot-{seed}-{n}.png", method="paste"))
        if rng.random() < 0.3:  # sometimes re-import the same bytes: the duplicate path
            v.add_stream(case_id, io.BytesIO(body), ItemInput(name="again", method="paste"), total=len(body))
        # One write per line: under PYTHONUNBUFFERED print() writes its parts separately, and a
        # kill between them would leave a bare "ACK" that acknowledges nothing.
        sys.stdout.write(f"ACK {res.item.sha256}\n")
        sys.stdout.flush()
        if rng.random() < 0.3:
            v.flush()
    v.lock()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
