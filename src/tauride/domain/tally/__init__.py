"""Counting ballots: pure kernels over compressed profiles, each returning a full record."""
