"""API payload validation (none yet)."""
