"""Every change to the ledger goes through a function in this package.

Each one checks the actor's permission, refuses illegal moves with a Chinese message,
writes with compare-and-swap, and records an AuditEvent in the same transaction.
"""
