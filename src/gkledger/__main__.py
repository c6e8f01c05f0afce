"""`python -m gkledger` runs the command line."""

from gkledger.cli import run

run()
