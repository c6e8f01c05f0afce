"""`python -m gkledger` runs the command line."""

from gkledger.cli.main import run

run()
