"""Every change to a ledger: a record added or replaced, a plan carried or started, forms
collected; each through one verified, locked transaction."""
