"""JSON endpoints, only where a client needs them (health, live polling)."""
