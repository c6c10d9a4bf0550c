"""Layer 0: the vocabulary every other package shares.

Errors with their Korean and English messages, the clock, canonical JSON, durable file
writes, JSON size limits, the message tables, the data model (cases, items, custody
events), the one set of rules for untrusted text, and small helpers for names.

May import: the standard library and ``evidence_kit`` (the version) only.
"""
