"""gkledger: a command-line ledger for the task lists (工作台账) of 政务公开 work plans."""

__version__ = "0.1.0"
