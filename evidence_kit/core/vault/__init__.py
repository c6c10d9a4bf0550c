"""Layer 3: the encrypted local vault and its custody log.

The :class:`~.vault.Vault` composes a key ring, a blob store, the metadata database with
its seal, and the hash-chained signed custody log; plus passphrase change (rekey), local
rollback state, verified backups, and the PDQ worker pool over stored items.

May import: ``common``, ``crypto``, ``platforms``, ``evidence``.
"""
