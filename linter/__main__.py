"""``python -m linter`` runs the iamlint command."""

from linter.cli import main

main()
