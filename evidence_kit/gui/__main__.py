"""`python -m evidence_kit.gui`: the desktop app (same as `evidence-kit-gui`)."""

from evidence_kit.gui.app import main

raise SystemExit(main())
