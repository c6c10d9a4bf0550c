"""Layer 4: RFC 3161 trusted timestamps: requesting, parsing, storing and verifying tokens.

May import: ``common``, ``crypto``, ``platforms``, ``evidence``, ``vault``.
"""
