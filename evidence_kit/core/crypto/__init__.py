"""Layer 1: cryptographic building blocks with no knowledge of evidence.

age (X25519 + scrypt recipients, ChaCha20-Poly1305 payload), the seekable age reader,
Ed25519 signing keys and their fingerprints, RFC 6962 Merkle trees, fingerprint anchors.

May import: ``common``.
"""
