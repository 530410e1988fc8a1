"""Profiles: YAML reader, quantities, models and their path table, layering, loading."""
