"""`python -m evidence_kit`: the command line (the desktop app is `evidence-kit-gui`)."""

from .cli import main

raise SystemExit(main())
