"""`python -m evidence_kit.cli`: the same command line as `python -m evidence_kit`."""

from . import main

raise SystemExit(main())
