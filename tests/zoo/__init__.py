"""Misbehaving loopback servers for the hostile-target tests (no tests here)."""
