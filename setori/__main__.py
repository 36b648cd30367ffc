"""``python -m setori``."""

from setori.cli import main

main()
