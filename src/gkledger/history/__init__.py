"""What git and the web say about a ledger: the audit of its commits, CODEOWNERS, its links."""
