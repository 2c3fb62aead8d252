"""Encryption at rest, blind index and pseudonyms (SECURITY.md)."""
