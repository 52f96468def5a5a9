"""Thin edges that do I/O: database, outgoing HTTP, clocks."""
