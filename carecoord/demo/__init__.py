"""Demo data for development and benchmarks: regions, providers, users and clients."""
