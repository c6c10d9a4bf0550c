"""Layer 2: one piece of evidence on its own, before and apart from the vault.

Hashing while reading (ingest), media sniffing and metadata, image decoding limits,
video facts, PDQ perceptual hashes, previews, redaction, and screen capture.

May import: ``common``, ``crypto``, ``platforms``.
"""
