"""``python -m russian_views`` runs the command line."""

from russian_views.cli import main

raise SystemExit(main())
