"""Async interface modules: business rules, and the only code that touches each collection."""
