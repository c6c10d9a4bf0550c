"""Layer 4: RFC 3161 trusted timestamps: requesting, parsing, storing and verifying tokens.

May import: ``common``, ``crypto``, ``platforms``, ``evidence``, ``vault``.

Modules, each importing only those above it in this list:

- ``tsa_defaults``  default TSAs and the built-in root certificates
- ``certs``         X.509 helpers: fingerprints, names, loading untrusted PEM/DER
- ``checks``        a check's verdict (Korean and English), the token's fields, the errors
- ``request``       the DER request and the HTTP POST to every TSA (network only from ``stamp``)
- ``parse``         RFC 3161 replies and tokens parsed from untrusted bytes
- ``verify``        every check of a token, offline
- ``store``         the stamp queue and stored tokens in the vault
- ``stamp``         ``stamp_now``: the explicit "go online" act
- ``bundle``        a bundle's ``timestamps/`` folder: written on export, verified offline
- ``seals``         the report's "sealed no later than" and checkpoint lines
"""
