"""Run the command line with ``python -m weekly``."""

from weekly.cli import main

main()
