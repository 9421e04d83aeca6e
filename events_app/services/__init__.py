"""Use cases: one transaction per write, outbox rows and audit rows in the same transaction."""
