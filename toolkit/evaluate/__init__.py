"""Measurements against the developers' reference data in ../shared (never shipped, never committed):
text extraction F1, entity recognition F1, event coding F1. Run with `make eval`."""
