"""Help questions and their handovers to care providers (overdracht)."""
