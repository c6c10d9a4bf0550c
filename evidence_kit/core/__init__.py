"""The domain: vault, crypto, custody log, ingest, report, bundle, verify. Never imports Qt."""
