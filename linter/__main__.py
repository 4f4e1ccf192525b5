"""``python -m linter`` runs the iamlint command."""

from linter.console import main

main()
