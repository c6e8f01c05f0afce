"""`python -m gkledger` runs the command line."""

from gkledger.cli.app import run

run()
