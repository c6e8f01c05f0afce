"""The ledger on disk: find it, read its files, parse and check them, cache the result, and
write files atomically. Depends on core only."""
