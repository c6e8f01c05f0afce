"""What a command shows, as plain data computed from a loaded ledger and a day."""
