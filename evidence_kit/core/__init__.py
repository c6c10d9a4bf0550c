"""The domain: everything Evidence Kit knows, with no Qt and no terminal.

Packages, lowest layer first; a package may import only from packages in lower layers
(tests/test_architecture.py enforces this, and that no import cycle exists anywhere):

0. ``common``     errors, clock, canonical JSON, file-system helpers, i18n tables, model, untrusted text
1. ``crypto``     age encryption, Ed25519 keys, Merkle trees, fingerprints   | ``platforms`` OS seams
2. ``evidence``   one piece of evidence on its own: ingest, metadata, imaging, video, PDQ, preview, redaction, capture
3. ``vault``      the encrypted store: key ring, blob store, database + seal, custody log, backup, rekey
4. ``chat``       chat exports as evidence                                   | ``timestamps`` RFC 3161 tokens
5. ``documents``  what leaves the vault: case snapshot, report PDF, takedown package, CASE graph,
                  bundle, bundle verification
6. ``service``    the one facade both front ends call

Packages on the same layer do not import each other. See docs/architecture.md.
"""
